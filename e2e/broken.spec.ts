// Story 4: broken code. A compile error is marked in the editor while the old code keeps serving; an
// infinite loop is stopped with a hint, and the page keeps working.
import { expect, test } from "@playwright/test";
import { button, choose_example, client, log, open_playground, run_code, shot, spin_is_stopped } from "./support.ts";

test("a compile error shows a marker and the old code keeps serving; an infinite loop is stopped", async ({ page }) => {
  await open_playground(page);
  await choose_example(page, "Echo (WebsocketConsumer)");
  await expect(page.locator(".monaco-editor")).toBeVisible();

  await page.evaluate(() => (window as unknown as { __playground: { setCode(c: string): void } }).__playground.setCode(
    'import { WebsocketConsumer } from "channels";\nexport class Broken extends WebsocketConsumer {\n  receive( {\n}\n',
  ));
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByRole("region", { name: "Problems" })).toContainText("Line 5");
  await expect(page.locator(".monaco-editor .squiggly-error").first()).toBeVisible();
  await shot(page, "compile-error");

  // Version 2 (echo) still serves.
  const alice = client(page, "alice");
  await button(alice, "Connect").click();
  await alice.getByRole("textbox", { name: "Message" }).fill("still echoing");
  await button(alice, "Send").click();
  await expect(alice.getByRole("list", { name: "Frames of alice" })).toContainText("still echoing");
  await button(alice, "Disconnect").click();

  await run_code(page, 'import { WebsocketConsumer } from "channels";\nexport class Spin extends WebsocketConsumer {\n  receive() {\n    while (true) {}\n  }\n}\n');
  await spin_is_stopped(page);
  await shot(page, "stopped-handler");

  // The page and the session keep working, and the edited example can be chosen again to get its code back.
  await expect(page.getByRole("combobox", { name: "Example" }).locator("option:checked")).toHaveText("Echo (WebsocketConsumer), edited");
  await choose_example(page, "Echo (WebsocketConsumer)");
  await button(alice, "Connect").click();
  await alice.getByRole("textbox", { name: "Message" }).fill("back again");
  await button(alice, "Send").click();
  await expect(alice.getByRole("list", { name: "Frames of alice" })).toContainText("back again");
  await expect(log(page)).toContainText("restarted");
});
