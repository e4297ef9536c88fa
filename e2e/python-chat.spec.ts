// Story 8b: the chat example in Python, side by side with its TypeScript twin; two clients in one room.
import { expect, test } from "@playwright/test";
import { button, chat_reaches_both, choose_example, choose_language, log, open_playground, shot } from "./support.ts";

test("Python chat: a message from one client in a room reaches both, with the TypeScript beside it", async ({ page }) => {
  await open_playground(page);
  await choose_language(page, "Python");
  await choose_example(page, "Chat room (groups)");
  await expect(log(page)).toContainText("app: application");
  await button(page, "Side by side").click();
  const twin = page.getByRole("region", { name: "Chat room (groups) in TypeScript" });
  await expect(twin).toContainText("class ChatConsumer extends AsyncWebsocketConsumer");
  await chat_reaches_both(page);
  await shot(page, "python-chat");
});
