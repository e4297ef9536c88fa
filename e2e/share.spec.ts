// Story 5: "Share" puts the code and clients in a link; the link opens the same state in a fresh browser.
import { expect, test } from "@playwright/test";
import { client, open_playground, run_code } from "./support.ts";

test("a share link opens the same code and clients in a fresh page", async ({ page, browser, baseURL }) => {
  await open_playground(page);
  const code = 'import { AsyncWebsocketConsumer } from "channels";\n\n// shared-marker-7f3a\nexport class Shared extends AsyncWebsocketConsumer {\n  async receive(text_data) {\n    await this.send({ text_data: "shared says " + text_data });\n  }\n}\n';
  await run_code(page, code);
  await client(page, "alice").getByRole("textbox", { name: "Path" }).fill("/shared/path/");
  await page.getByRole("button", { name: "Share", exact: true }).click();
  const link = await page.getByRole("textbox", { name: "Share link" }).inputValue();
  expect(link.startsWith(`${baseURL}/#s=`)).toBe(true);

  const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByRole("status").filter({ hasText: /Session live, version 2/ })).toBeVisible();
  await expect(other.locator(".monaco-editor .view-lines")).toContainText("shared-marker-7f3a");
  await expect(client(other, "alice").getByRole("textbox", { name: "Path" })).toHaveValue("/shared/path/");
  // The shared code is what the new session serves.
  const alice = client(other, "alice");
  await alice.getByRole("textbox", { name: "Path" }).fill("/");
  await alice.getByRole("button", { name: "Connect", exact: true }).click();
  await alice.getByRole("textbox", { name: "Message" }).fill("x");
  await alice.getByRole("button", { name: "Send", exact: true }).click();
  await expect(alice.getByRole("list", { name: "Frames of alice" })).toContainText("shared says x");
  await fresh.close();
});
