// `npm run bench:page`: how soon the built playground is usable in Chromium, served by `npm start`'s server
// on 127.0.0.1. Cold loads use a fresh browser context (empty cache); warm loads reload in the same one.
// Options: --loads N (per profile), --out DIR.
import { chromium, type BrowserContext, type Page, type Request } from "@playwright/test";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium_launch_options } from "../../e2e/chromium.ts";
import { median, percentile } from "../stats.ts";

const { values: args } = parseArgs({
  options: {
    loads: { type: "string", default: "9" },
    out: { type: "string", default: fileURLToPath(new URL("../results/", import.meta.url)) },
  },
});
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Load {
  fcp_ms: number;
  /** The session is live: Run, Connect and Send work (the editor may still be the plain text area). */
  interactive_ms: number;
  /** Monaco has replaced the plain text area. */
  editor_ms: number;
  /** Bytes over the wire (compressed) for the whole page, the TypeScript service's worker included. */
  bytes: number;
  requests: number;
}

async function start_server(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ["dist/server/main.js"], {
    cwd: ROOT, env: { ...process.env, HOST: "127.0.0.1", PORT: "0" }, stdio: ["ignore", "pipe", "inherit"],
  });
  process.once("exit", () => child.kill("SIGKILL"));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}: ${out}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/**
 * Stamps, in every page, the moment each milestone first shows in the DOM (checked on every DOM change).
 * A string, because the TypeScript loader would wrap a function's inner names in a helper the page lacks.
 */
const WATCH_MILESTONES = `{
  const marks = (window.__marks = {});
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (!marks.interactive && /Session live/.test(document.querySelector("[role=status]")?.textContent ?? "")) marks.interactive = now;
    if (!marks.editor && document.querySelector(".monaco-editor .view-lines")) marks.editor = now;
    if (marks.interactive && marks.editor) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
}`;

async function marks(page: Page): Promise<{ interactive: number; editor: number }> {
  const handle = await page.waitForFunction(() => {
    const m = (window as unknown as { __marks?: Record<string, number> }).__marks;
    return m?.interactive && m.editor ? m : false;
  }, undefined, { timeout: 60_000 });
  return (await handle.jsonValue()) as { interactive: number; editor: number };
}

async function load(context: BrowserContext, url: string, reuse?: Page): Promise<Load> {
  const page = reuse ?? (await context.newPage());
  if (!reuse) await page.addInitScript(WATCH_MILESTONES);
  const sizes: Array<Promise<number>> = [];
  // Chromium reports no body size for a worker's script; on a cold load its Content-Length is what came over.
  const size = async (request: Request) => {
    const s = await request.sizes();
    const length = Number((await request.response())?.headers()["content-length"] ?? 0);
    return s.responseHeadersSize + (s.responseBodySize || (reuse ? 0 : length));
  };
  const counted = (request: Request) => sizes.push(size(request).catch(() => 0));
  page.on("requestfinished", counted);
  await (reuse ? page.reload({ waitUntil: "commit" }) : page.goto(url, { waitUntil: "commit" }));
  const { interactive: interactive_ms, editor: editor_ms } = await marks(page);
  // Everything the page fetches (the TypeScript worker comes after the editor), and a quiet page for what follows.
  await page.waitForLoadState("networkidle");
  const fcp_ms = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN);
  page.off("requestfinished", counted);
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  return { fcp_ms, interactive_ms, editor_ms, bytes, requests: sizes.length };
}

interface PythonStart {
  /** From the page being usable (session live) to the first Python run serving, with the switch clicked at once. */
  first_ms: number;
  /** How long the worker's own start took (Pyodide, our packages), part of which overlapped the page's idle time. */
  boot_ms: number;
  /** Later runs: Run clicked -> the new version serving. */
  later_ms: number[];
}

/** The status line's version, once it is a plain "Session live, version N" (no Python start-up note). */
const served_version = (page: Page) => page.evaluate(() => Number(/Session live, version (\d+)$/.exec(document.querySelector(".session-status")?.textContent ?? "")?.[1] ?? 0));

async function python_start(context: BrowserContext, url: string): Promise<PythonStart> {
  const page = await context.newPage();
  await page.addInitScript(WATCH_MILESTONES);
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => (window as unknown as { __marks?: { interactive?: number } }).__marks?.interactive, undefined, { timeout: 60_000 });
  const first_version = await served_version(page);
  await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "Python" }).click();
  const first = await page.waitForFunction((before) => {
    const text = document.querySelector(".session-status")?.textContent ?? "";
    const m = /Session live, version (\d+)$/.exec(text);
    return m && Number(m[1]) > before ? performance.now() : false;
  }, first_version, { timeout: 60_000, polling: 5 });
  const interactive = await page.evaluate(() => (window as unknown as { __marks: { interactive: number } }).__marks.interactive);
  const first_ms = Number(await first.jsonValue()) - interactive;
  const later_ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const before = await served_version(page);
    const code = `from channels.generic.websocket import WebsocketConsumer\n\nclass Echo${i}(WebsocketConsumer):\n    def receive(self, text_data=None, bytes_data=None):\n        self.send(text_data=text_data)\n`;
    const took = await page.evaluate(async ({ code, before }) => {
      (window as unknown as { __playground: { setCode(c: string): void } }).__playground.setCode(code);
      await new Promise((r) => requestAnimationFrame(r));
      const started = performance.now();
      (document.querySelector("button.primary") as HTMLButtonElement).click();
      for (;;) {
        const m = /Session live, version (\d+)$/.exec(document.querySelector(".session-status")?.textContent ?? "");
        if (m && Number(m[1]) > before) return performance.now() - started;
        await new Promise((r) => setTimeout(r, 1));
      }
    }, { code, before });
    later_ms.push(took);
  }
  const boot_ms = await page.evaluate(() => (window as unknown as { __playground: { python_boot_ms?: number } }).__playground.python_boot_ms ?? Number.NaN);
  await page.close();
  return { first_ms, boot_ms, later_ms };
}

const loads = Number(args.loads);
const server = await start_server();
const browser = await chromium.launch(chromium_launch_options);
const results: Record<string, Load[]> = { cold: [], warm: [] };
const python: PythonStart[] = [];
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // One unmeasured load, so the server's first-request work (and the OS's file cache) is not in the figures.
  await (await load(context, server.url)).interactive_ms;
  await context.close();
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    results.cold!.push(await load(context, server.url));
    const page = context.pages()[0]!;
    results.warm!.push(await load(context, server.url, page));
    await context.close();
    process.stderr.write(`load ${i + 1}/${loads}: cold ${results.cold!.at(-1)!.interactive_ms.toFixed(0)} ms, warm ${results.warm!.at(-1)!.interactive_ms.toFixed(0)} ms to interactive\n`);
  }
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    python.push(await python_start(context, server.url));
    await context.close();
    process.stderr.write(`python ${i + 1}/${loads}: first run ${python.at(-1)!.first_ms.toFixed(0)} ms after interactive, later runs ${python.at(-1)!.later_ms.map((m) => m.toFixed(0)).join(", ")} ms\n`);
  }
} finally {
  await browser.close();
  server.stop();
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const ms = (values: number[]) => `${median(values).toFixed(0)} ms (p90 ${percentile(values, 90).toFixed(0)})`;
console.log(`\nPage load, ${loads} loads per profile, Chromium on 127.0.0.1, medians:`);
for (const [profile, runs] of Object.entries(results)) {
  console.log(`  ${profile.padEnd(5)} first paint ${ms(runs.map((r) => r.fcp_ms))}, interactive ${ms(runs.map((r) => r.interactive_ms))}, ` +
    `editor ${ms(runs.map((r) => r.editor_ms))}, ${kib(median(runs.map((r) => r.bytes)))} in ${median(runs.map((r) => r.requests))} requests`);
}
const later = python.flatMap((p) => p.later_ms);
console.log(`  python first run ${ms(python.map((p) => p.first_ms))} after interactive (cold cache, switch clicked at once; goal <= 3000 ms), ` +
  `worker start ${ms(python.map((p) => p.boot_ms))}; later runs ${ms(later)} (goal <= 200 ms)`);
mkdirSync(args.out, { recursive: true });
const file = `${args.out}/page-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), loads, results, python }, null, 2));
console.log(`\nEvery load: ${file}`);
