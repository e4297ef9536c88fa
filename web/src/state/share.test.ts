import { expect, it } from "vitest";
import { read_shared, share_url } from "./share.ts";

it("round-trips the code, its language and the clients through a compressed URL hash", async () => {
  (globalThis as { location?: unknown }).location = { origin: "http://127.0.0.1:8000", pathname: "/" };
  const code = `import { AsyncWebsocketConsumer } from "channels";\n// ${"é".repeat(200)}\nexport class A extends AsyncWebsocketConsumer {}`;
  const url = await share_url({ code, language: "python", example: "echo", clients: [{ label: "alice", path: "/ws/chat/lobby/", query: "", subprotocols: "" }] });
  expect(url.length).toBeLessThan(code.length * 2);
  const shared = await read_shared(new URL(url).hash);
  expect(shared).toEqual({ code, language: "python", example: "echo", clients: [{ label: "alice", path: "/ws/chat/lobby/", query: "", subprotocols: "" }] });
  expect(await read_shared("#s=garbage!!")).toBeNull();
  expect(await read_shared("")).toBeNull();
});
