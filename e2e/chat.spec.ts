// Story 3: two clients in one chat room; a message from one reaches both.
import { expect, test } from "@playwright/test";
import { button, choose_example, client, log, open_playground, shot } from "./support.ts";

test("chat: a message from one client in a room reaches both", async ({ page }) => {
  await open_playground(page);
  await choose_example(page, "Chat room (groups)");
  const alice = client(page, "alice");
  const bob = client(page, "bob");
  await expect(alice.getByRole("textbox", { name: "Path" })).toHaveValue("/ws/chat/lobby/");
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
  await shot(page, "chat");
});
