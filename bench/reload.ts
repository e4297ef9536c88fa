// The apply-to-serve time: from sending new code on the control socket to a new connection answered by it.
import { readFileSync } from "node:fs";
import { WebSocket } from "ws";
import { project_root } from "../server/paths.ts";
import type { Running } from "./rows.ts";

const open = (url: string, origin?: string) => new Promise<WebSocket>((resolve, reject) => {
  const ws = new WebSocket(url, origin ? { origin } : {});
  ws.once("open", () => resolve(ws));
  ws.once("error", reject);
});
const next = (ws: WebSocket, test: (text: string) => boolean) => new Promise<string>((resolve) => {
  const on = (data: Buffer) => {
    const text = String(data);
    if (!test(text)) return;
    ws.off("message", on);
    resolve(text);
  };
  ws.on("message", on);
});

export async function apply_to_serve(server: Running, reloads: number): Promise<number[]> {
  const [session, token] = server.extra!;
  const base = new URL(server.url("/"));
  const origin = `http://${base.host}`;
  const control = await open(server.url(`/api/sessions/${session}/control/`), origin);
  control.send(JSON.stringify({ type: "hello", token }));
  await next(control, (t) => t.includes('"welcome"'));
  const source = readFileSync(`${project_root()}/server/examples/async-echo.ts`, "utf8");
  const times: number[] = [];
  for (let i = 1; i <= reloads; i++) {
    // Each version answers with its own prefix, so the reply proves which code served it.
    const code = source.replace("await this.send({ text_data });", `await this.send({ text_data: "v${i} " + text_data });`);
    const started = performance.now();
    control.send(JSON.stringify({ type: "run", code }));
    const result = JSON.parse(await next(control, (t) => t.includes('"run_result"'))) as { ok: boolean };
    if (!result.ok) throw new Error("the reload failed");
    const client = await open(server.url(`/ws/play/${session}/`));
    client.send("x");
    await next(client, (t) => t === `v${i} x`);
    times.push(performance.now() - started);
    client.close();
  }
  control.close();
  return times;
}
