// The compiler pool with real worker processes and esbuild services: input that crashes, spins or grows
// esbuild costs only its own compile, and no process is left behind.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, expect, it } from "vitest";
import { close_compiler, type Compiled, type Failed } from "./compile.ts";
import { CompilerPool, type PoolOptions } from "./compiler/pool.ts";
import { start_playground, type PlaygroundServer } from "./test-support.ts";

const VALID = `import { WebsocketConsumer } from "channels";
export class Echo extends WebsocketConsumer {
  receive(text_data?: string) { this.send({ text_data }); }
}`;
/** esbuild's parser recurses once per `!`: this many overflow its goroutine's stack and kill the service. */
const BANGS = `export const x = ${"!".repeat(199_000)}1;`;
/** The time and memory this takes grow with the square of the depth (about 40 s and several GB). */
const BRACES = `export function f() ${"{".repeat(28_000)}${"}".repeat(28_000)}`;

let pool: CompilerPool | null = null;
let pg: PlaygroundServer | null = null;
/** Every worker and esbuild pid a test saw, checked after all pools closed. */
const seen = new Set<number>();

function open(options: Partial<PoolOptions>): CompilerPool {
  pool = new CompilerPool(options);
  return pool;
}

function note(p: CompilerPool): void {
  for (const { worker, esbuild } of p.processes()) {
    seen.add(worker);
    if (esbuild !== null) seen.add(esbuild);
  }
}

/** A process that still runs (a zombie waiting for its parent to read its status does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`still waiting: ${what}`);
}

function expect_ok(result: Compiled | Failed): asserts result is Compiled {
  if (!result.ok) throw new Error(`compile failed: ${result.code} ${JSON.stringify(result.diagnostics)}`);
}

afterEach(async () => {
  if (pool !== null) note(pool);
  await pool?.close();
  pool = null;
  await pg?.close();
  pg = null;
});

afterAll(async () => {
  await close_compiler();
  expect(seen.size).toBeGreaterThan(0);
  await until(() => [...seen].every((pid) => !running(pid)), `no compiler process left running (${[...seen].join(", ")})`);
});

it("compiles valid code, and reports errors at their line with COMPILE_ERROR", async () => {
  const p = open({});
  expect_ok(await p.compile(VALID));
  const bad = await p.compile("export const a = 1;\nexport const b = ;\n");
  expect(bad).toMatchObject({ ok: false, code: "COMPILE_ERROR" });
  expect((bad as Failed).diagnostics[0]).toMatchObject({ line: 2, severity: "error" });
});

it("answers input that kills esbuild's service with COMPILE_CRASHED, and the next compile works", async () => {
  const p = open({ memory_mb: 8192, timeout_ms: 30_000 });
  expect_ok(await p.compile(VALID));
  note(p);
  const before = p.processes()[0]!;
  const crashed = await p.compile(BANGS);
  expect(crashed).toMatchObject({ ok: false, code: "COMPILE_CRASHED" });
  expect((crashed as Failed).diagnostics[0]!.message.startsWith("COMPILE_CRASHED: ")).toBe(true);
  expect(running(before.worker)).toBe(false);
  expect_ok(await p.compile(VALID));
  note(p);
});

it("stops a compile past the memory cap with COMPILE_MEMORY and kills its esbuild service", async () => {
  const p = open({ memory_mb: 200, timeout_ms: 30_000 });
  expect_ok(await p.compile(VALID));
  note(p);
  const before = p.processes()[0]!;
  expect(await p.compile(BRACES)).toMatchObject({ ok: false, code: "COMPILE_MEMORY" });
  await until(() => !running(before.esbuild!) && !running(before.worker), "the stopped worker and its service gone");
  expect_ok(await p.compile(VALID));
  note(p);
});

it("stops a compile at the time limit while another worker serves a concurrent compile", async () => {
  const p = open({ timeout_ms: 1000, memory_mb: 8192, max_workers: 2 });
  // Two at once start the second worker, so that both are warm when the slow compile arrives.
  const warm = await Promise.all([p.compile(VALID), p.compile(VALID)]);
  warm.forEach(expect_ok);
  await until(() => p.processes().length === 2, "the second worker ready");
  note(p);
  const services = p.processes().map((w) => w.esbuild!);
  const order: string[] = [];
  const slow = p.compile(BRACES).then((r) => (order.push("slow"), r));
  const fast = p.compile(VALID).then((r) => (order.push("fast"), r));
  const [slow_result, fast_result] = await Promise.all([slow, fast]);
  expect_ok(fast_result);
  expect(slow_result).toMatchObject({ ok: false, code: "COMPILE_TIMEOUT" });
  expect((slow_result as Failed).diagnostics[0]).toMatchObject({ line: 1, column: 1 });
  expect(order).toEqual(["fast", "slow"]);
  // One of the two services was the slow compile's: it is gone, not left running on its own.
  await until(() => services.filter(running).length === 1, "the slow compile's esbuild service gone");
});

it("queues compiles past the workers up to a bound, and refuses more with COMPILE_BUSY", async () => {
  const p = open({ timeout_ms: 1000, memory_mb: 8192, max_workers: 1, max_queue: 1 });
  expect_ok(await p.compile(VALID));
  note(p);
  const slow = p.compile(BRACES);
  const queued = p.compile(VALID);
  expect(await p.compile(VALID)).toMatchObject({ ok: false, code: "COMPILE_BUSY" });
  expect(await slow).toMatchObject({ ok: false, code: "COMPILE_TIMEOUT" });
  expect_ok(await queued);
  note(p);
});

it("survives its esbuild service being killed from outside", async () => {
  const p = open({});
  expect_ok(await p.compile(VALID));
  note(p);
  const before = p.processes()[0]!;
  process.kill(before.esbuild!, "SIGKILL");
  expect_ok(await p.compile(VALID));
  note(p);
  await until(() => !running(before.worker), "the worker whose service died gone");
  expect(p.processes().map((w) => w.worker)).not.toContain(before.worker);
});

it("leaves no process running after close", async () => {
  const p = open({ max_workers: 2 });
  const results = await Promise.all([p.compile(VALID), p.compile(VALID)]);
  results.forEach(expect_ok);
  await until(() => p.processes().length === 2, "the second worker ready");
  note(p);
  const pids = p.processes().flatMap((w) => [w.worker, w.esbuild!]);
  expect(pids).toHaveLength(4);
  expect(pids.every(running)).toBe(true);
  await p.close();
  pool = null;
  await until(() => !pids.some(running), "the pool's processes gone");
  expect(await p.compile(VALID)).toMatchObject({ ok: false, code: "COMPILE_CRASHED" });
});

it("gives a session's Run a clean error for the crashing input, and the next Run applies", async () => {
  pg = await start_playground();
  const control = await pg.session();
  const crashed = await control.run(BANGS);
  expect(crashed.ok).toBe(false);
  expect(crashed.diagnostics[0]).toMatchObject({ line: 1, severity: "error" });
  expect(crashed.diagnostics[0]!.message).toMatch(/^COMPILE_(MEMORY|CRASHED): /);
  const applied = await control.run(VALID);
  expect(applied.ok).toBe(true);
  control.close();
});
