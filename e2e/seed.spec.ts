// Story 1: the tutorial's own consumer never accepts; the log says so, one click fixes it, and it echoes.
import { expect, test } from "@playwright/test";
import { client, connect_to_never_accepting_seed, log, open_playground } from "./support.ts";

test("the seed consumer: connect, see it never accept, apply the fix, then receive and disconnect", async ({ page }) => {
  await open_playground(page);
  const hint = await connect_to_never_accepting_seed(page);
  const alice = client(page, "alice");

  await hint.getByRole("button", { name: "Add accept and run" }).click();
  await expect(page.getByRole("status").filter({ hasText: "version 2" })).toBeVisible();
  // The pending handshake was refused by the reload; connect again to the new code.
  await expect(alice.getByRole("status")).toHaveText("closed 1006");
  await alice.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(alice.getByRole("status")).toHaveText("open");

  await alice.getByRole("textbox", { name: "Message" }).fill("hello");
  await alice.getByRole("button", { name: "Send" }).click();
  await expect(log(page)).toContainText('websocket.receive text "hello"');
  await expect(log(page)).toContainText("MySyncConsumer.websocket_receive(websocket.receive)");
  await expect(log(page)).toContainText("Websocket Received..");

  await alice.getByRole("button", { name: "Disconnect" }).click();
  await expect(log(page)).toContainText("websocket.disconnect code 1000 (normal closure)");
  await expect(log(page)).toContainText("MySyncConsumer.websocket_disconnect(websocket.disconnect)");
  await expect(alice.getByRole("status")).toHaveText("closed 1000");
});
