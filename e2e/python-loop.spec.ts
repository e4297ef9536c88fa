// Story 8c: `while True: pass` in a Python handler is stopped, and the page and session keep working.
import { expect, test } from "@playwright/test";
import { button, choose_example, choose_language, client, log, open_playground, run_code, shot, spin_is_stopped } from "./support.ts";

test("a Python handler that loops forever is interrupted; the page keeps working and serves again", async ({ page }) => {
  await open_playground(page);
  await choose_language(page, "Python");
  await run_code(page, "from channels.generic.websocket import WebsocketConsumer\n\nclass Spin(WebsocketConsumer):\n    def receive(self, text_data=None, bytes_data=None):\n        while True:\n            pass\n");
  await spin_is_stopped(page);
  const alice = client(page, "alice");
  await expect(log(page)).toContainText("restarted");
  await shot(page, "python-loop");

  // The same code serves new connections, and the page runs other code.
  await button(alice, "Connect").click();
  await expect(alice.getByRole("status")).toHaveText("open");
  await button(alice, "Disconnect").click();
  await choose_example(page, "Echo (WebsocketConsumer)");
  await button(alice, "Connect").click();
  await alice.getByRole("textbox", { name: "Message" }).fill("back again");
  await button(alice, "Send").click();
  await expect(alice.getByRole("list", { name: "Frames of alice" })).toContainText("back again");
});
