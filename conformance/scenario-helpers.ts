// Building blocks shared by the scenario files.

import type { Scenario, ScenarioContext } from "./runner.ts";
import type { WsSession } from "./session.ts";
import { sha256, type FrameKind } from "./transcript.ts";

export const MIB = 1024 * 1024;

// Deterministic, non-repeating-looking bytes so a truncated or reordered echo changes the hash.
export function patternBytes(length: number): Uint8Array {
  const buf = new Uint8Array(length);
  for (let i = 0; i < length; i++) buf[i] = (i * 7 + (i >> 8) * 13 + 3) & 0xff;
  return buf;
}

export function scenario(name: string, description: string, run: (ctx: ScenarioContext) => Promise<void>): Scenario {
  return { name, description, run };
}

// Single client: connect, and if it opened run the body then close cleanly with 1000.
export function withClient(
  name: string,
  description: string,
  path: string,
  body: (s: WsSession) => Promise<void>,
  protocols?: string[],
): Scenario {
  return scenario(name, description, async (ctx) => {
    const s = await ctx.connect(path, { protocols });
    if (!s.isOpen) return;
    await body(s);
    if (s.isOpen) {
      s.close(1000);
      await s.waitClose();
    }
  });
}

// Just the handshake: for routes whose outcome is decided before (or instead of) accepting.
export function handshakeOnly(name: string, description: string, path: string, protocols?: string[]): Scenario {
  return scenario(name, description, async (ctx) => {
    await ctx.connect(path, { protocols });
  });
}

// Sends one frame and waits for the server to end the connection (crash → 1011, app close, …).
export function sendThenWaitClose(name: string, description: string, path: string, frame: string | Uint8Array): Scenario {
  return scenario(name, description, async (ctx) => {
    const s = await ctx.connect(path);
    if (!s.isOpen) return;
    s.send(frame);
    await s.waitClose(5000);
  });
}

// Echo round trip: every frame sent is awaited before the next, so the transcript order is fixed.
export async function roundTrips(s: WsSession, frames: Array<string | Uint8Array>, timeoutMs = 3000): Promise<void> {
  for (const f of frames) {
    s.send(f);
    await s.nextFrame(timeoutMs);
  }
}

// Fires `count` text frames back to back and summarises the replies into one event, so 1,000 frames do
// not bloat the transcript but order and content are still checked.
export async function burst(s: WsSession, count: number): Promise<void> {
  const expected = Array.from({ length: count }, (_, i) => `m${i}`);
  s.recordIncoming = false;
  for (const m of expected) s.send(m, { record: false });
  s.note({ dir: "out", kind: "burst", frames: count, note: `text frames m0..m${count - 1}, no waiting` });
  const got: string[] = [];
  const kinds = new Set<FrameKind>();
  for (let i = 0; i < count; i++) {
    const f = await s.nextFrame(5000);
    if (f === null) break;
    kinds.add(f.kind);
    got.push(f.data.toString("utf8"));
  }
  s.recordIncoming = true;
  const inOrder = got.length === expected.length && got.every((m, i) => m === expected[i]);
  const digest = sha256(Buffer.from(got.join("\n"), "utf8"));
  s.note({ dir: "in", kind: "burst-reply", frames: got.length, inOrder, kinds: [...kinds].sort(), sha256: digest });
}
