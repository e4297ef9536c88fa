// Story 3: two clients in one chat room; a message from one reaches both.
import { expect, test } from "@playwright/test";
import { chat_reaches_both, choose_example, client, open_playground, shot } from "./support.ts";

test("chat: a message from one client in a room reaches both", async ({ page }) => {
  await open_playground(page);
  await choose_example(page, "Chat room (groups)");
  await expect(client(page, "alice").getByRole("textbox", { name: "Path" })).toHaveValue("/ws/chat/lobby/");
  await chat_reaches_both(page);
  await shot(page, "chat");
});
