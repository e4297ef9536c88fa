// Story 2: the echo example sends text back as text and bytes back as bytes.
import { expect, test } from "@playwright/test";
import { button, choose_example, client, log, open_playground, shot } from "./support.ts";

test("echo: text and binary frames come back", async ({ page }) => {
  await open_playground(page);
  await choose_example(page, "Echo (WebsocketConsumer)");
  const alice = client(page, "alice");
  await button(alice, "Connect").click();
  await expect(alice.getByRole("status")).toHaveText("open");

  const message = alice.getByRole("textbox", { name: "Message" });
  await message.fill("hi there");
  await message.press("Enter");
  const frames = alice.getByRole("list", { name: "Frames of alice" });
  await expect(frames.getByRole("listitem").filter({ has: page.getByLabel("received") }).filter({ hasText: "hi there" })).toBeVisible();

  await alice.getByRole("combobox", { name: "Format" }).selectOption("hex");
  await message.fill("01 02 ff");
  await button(alice, "Send").click();
  await expect(frames.getByRole("listitem").filter({ has: page.getByLabel("received") }).filter({ hasText: "[bytes] 01 02 ff" })).toBeVisible();
  await expect(log(page)).toContainText("websocket.send bytes (3) 0102ff");
  await shot(page, "echo");
});
