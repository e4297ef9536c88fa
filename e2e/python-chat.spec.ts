// Story 8b: the chat example in Python, side by side with its TypeScript twin; two clients in one room.
import { expect, test } from "@playwright/test";
import { button, choose_example, choose_language, client, log, open_playground, shot } from "./support.ts";

test("Python chat: a message from one client in a room reaches both, with the TypeScript beside it", async ({ page }) => {
  await open_playground(page);
  await choose_language(page, "Python");
  await choose_example(page, "Chat room (groups)");
  await expect(log(page)).toContainText("app: application");
  await button(page, "Side by side").click();
  const twin = page.getByRole("region", { name: "Chat room (groups) in TypeScript" });
  await expect(twin).toContainText("class ChatConsumer extends AsyncWebsocketConsumer");

  const alice = client(page, "alice");
  const bob = client(page, "bob");
  await button(alice, "Connect").click();
  await button(bob, "Connect").click();
  await expect(alice.getByRole("status")).toHaveText("open");
  await expect(bob.getByRole("status")).toHaveText("open");
  await alice.getByRole("textbox", { name: "Message" }).fill("hello room");
  await button(alice, "Send").click();
  for (const [who, label] of [[alice, "alice"], [bob, "bob"]] as const) {
    await expect(who.getByRole("list", { name: `Frames of ${label}` }).getByRole("listitem").filter({ has: page.getByLabel("received") }).filter({ hasText: "hello room" })).toBeVisible();
  }
  await expect(log(page)).toContainText('group_send("chat_lobby", chat.message) to 2 members');
  await expect(log(page)).toContainText("ChatConsumer.chat_message(chat.message)");
  await shot(page, "python-chat");
});
