import { afterEach, expect, it, vi } from "vitest";
import type { TraceRecord } from "./protocol.ts";
import { SLOW_SINK_MS, TraceLog, type TraceSink } from "./trace.ts";

afterEach(() => vi.useRealTimers());

/** A viewer that takes every frame at once, or never (`stuck`). */
function sink(stuck = false) {
  const frames: Array<{ records: TraceRecord[]; dropped?: number; size: number }> = [];
  const s: TraceSink & { frames: typeof frames; slow: boolean } = {
    frames,
    slow: false,
    deliver(frame) {
      frames.push({ ...(JSON.parse(frame) as { records: TraceRecord[]; dropped?: number }), size: frame.length });
      return stuck ? new Promise(() => {}) : Promise.resolve();
    },
    too_slow() {
      s.slow = true;
    },
  };
  return s;
}

const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);

it("cuts long texts instead of refusing the record: a 4 MB error message keeps its start", () => {
  const log = new TraceLog({}, Date.now());
  expect(log.add({ kind: "error", message: `Error: ${"x".repeat(4 * 1024 * 1024)}`, stack: "s".repeat(1e6) })).toBe(true);
  const [record] = log.records();
  expect(record!.kind === "error" && record.message.length).toBeLessThanOrEqual(10_000);
  expect(record!.kind === "error" && record.message).toMatch(/^Error: x+… \(4194311 characters\)$/);
  expect(log.bytes.ring).toBeLessThan(100_000);
});

it("refuses a record whose values are too deep or not data, and counts it", () => {
  const log = new TraceLog({}, Date.now());
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  expect(log.add({ kind: "receive", message: deep })).toBe(false);
  expect(log.add({ kind: "bogus" } as never)).toBe(false);
  expect(log.refused).toBe(2);
  expect(log.records()).toEqual([]);
});

it("keeps the ring within its byte budget however large each record is", () => {
  const log = new TraceLog({ records: 5000, ring_bytes: 1024 * 1024 }, Date.now());
  for (let i = 0; i < 200; i++) log.add({ kind: "console", level: "log", text: `${i} ${"y".repeat(19_000)}` });
  expect(log.bytes.ring).toBeLessThanOrEqual(1024 * 1024);
  expect(log.records().length).toBeLessThan(60);
  expect(log.records().at(-1)!.seq).toBe(200);
  expect(log.dropped_total).toBe(200 - log.records().length);
});

it("replays to a new viewer at most its budget, in frames under the control socket's message limit", async () => {
  vi.useFakeTimers();
  const log = new TraceLog({ ring_bytes: 8 * 1024 * 1024, sink_bytes: 1024 * 1024, frame_bytes: 256 * 1024 }, Date.now());
  for (let i = 0; i < 400; i++) log.add({ kind: "error", message: `E${i} ${"z".repeat(9_000)}` });
  const viewer = sink();
  log.attach(viewer, 0);
  await tick(5000);
  const got = viewer.frames.flatMap((f) => f.records);
  const dropped = viewer.frames.reduce((n, f) => n + (f.dropped ?? 0), 0);
  expect(got.length + dropped).toBe(400);
  expect(got.length * 9_000).toBeLessThanOrEqual(1024 * 1024 + 20_000);
  expect(got.at(-1)!.seq).toBe(400);
  for (const frame of viewer.frames) expect(frame.size).toBeLessThan(1024 * 1024);
});

it("sends a viewer one frame at a time, bounds what waits for it, and drops it when it stays stuck", async () => {
  vi.useFakeTimers();
  const log = new TraceLog({ sink_bytes: 256 * 1024 }, Date.now());
  const stuck = sink(true);
  const fine = sink();
  log.attach(stuck, 0);
  log.attach(fine, 0);
  for (let i = 0; i < 3000; i++) {
    log.add({ kind: "console", level: "log", text: `${i} ${"q".repeat(1000)}` });
    if (i % 100 === 0) await tick(60);
  }
  expect(stuck.frames.length).toBe(1);
  expect(log.bytes.sinks).toBeLessThanOrEqual(2 * (256 * 1024 + 2000)); // each viewer within its budget
  await tick(SLOW_SINK_MS + 100);
  expect(stuck.slow).toBe(true);
  expect(log.watchers).toBe(1);
  const got = fine.frames.flatMap((f) => f.records).length + fine.frames.reduce((n, f) => n + (f.dropped ?? 0), 0);
  expect(got).toBe(3000);
});

it("takes at most its per-second budget of records from the app, and says how many it left out", async () => {
  vi.useFakeTimers();
  const log = new TraceLog({ app_bytes_per_s: 100_000 }, Date.now());
  const entry = { kind: "console" as const, level: "log" as const, text: "w".repeat(990) };
  for (let i = 0; i < 500; i++) log.add_from_app(entry, 1000);
  expect(log.records().length).toBe(100);
  await tick(1000);
  log.add_from_app(entry, 1000);
  const note = log.records().find((r) => r.kind === "lifecycle" && r.event === "dropped");
  expect(note).toMatchObject({ count: 400 });
  expect(log.records().length).toBe(102);
});
