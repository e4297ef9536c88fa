// Story 8a: the tutorial's Python consumer, pasted as written, runs in the playground with the same log.
import { expect, test } from "@playwright/test";
import { choose_language, client, connect_to_never_accepting_seed, log, open_playground, run_code, shot } from "./support.ts";

const TUTORIAL = `from channels.consumer import SyncConsumer

class MySyncConsumer(SyncConsumer):
    def websocket_connect(self, event):
        print('WebSocket Connect...')
    def websocket_receive(self, event):
        print('Websocket Received..')
    def websocket_disconnect(self, event):
        print('Websocket Disconnect..')
`;

test("the seed's Python, pasted verbatim: connect, see it never accept, fix it, then receive", async ({ page }) => {
  await open_playground(page);
  await choose_language(page, "Python");
  await run_code(page, TUTORIAL);
  await expect(log(page)).toContainText("app: MySyncConsumer.as_asgi() at /");

  const hint = await connect_to_never_accepting_seed(page);
  const alice = client(page, "alice");
  await shot(page, "python-seed");

  await hint.getByRole("button", { name: "Add accept and run" }).click();
  await expect(alice.getByRole("status")).toHaveText("closed 1006");
  await alice.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(alice.getByRole("status")).toHaveText("open");
  await alice.getByRole("textbox", { name: "Message" }).fill("hello");
  await alice.getByRole("button", { name: "Send" }).click();
  await expect(log(page)).toContainText("MySyncConsumer.websocket_receive(websocket.receive)");
  await expect(log(page)).toContainText("Websocket Received..");
});
