import express from "express";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { serve_ui } from "./static-ui.ts";

const script = "console.log('the app');\n".repeat(100);
let server: Server;
let port = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "ui-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>playground</title>");
  writeFileSync(join(dir, "assets/app-1234.js"), script);
  writeFileSync(join(dir, "assets/app-1234.js.br"), brotliCompressSync(script));
  writeFileSync(join(dir, "assets/app-1234.js.gz"), gzipSync(script));
  const app = express().use(serve_ui(dir));
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** The raw response: fetch() would undo the encoding this test is about. */
function get(path: string, accept_encoding?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const headers = accept_encoding ? { "accept-encoding": accept_encoding } : {};
    request({ host: "127.0.0.1", port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject).end();
  });
}

it("sends the brotli copy when the browser takes it, with the script's own type", async () => {
  const res = await get("/assets/app-1234.js", "gzip, deflate, br");
  expect(res.headers["content-encoding"]).toBe("br");
  expect(res.headers["content-type"]).toMatch(/^text\/javascript|^application\/javascript/);
  expect(res.headers["vary"]).toBe("Accept-Encoding");
  expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(res.body.equals(brotliCompressSync(script))).toBe(true);
});

it("falls back to gzip, then to the plain file", async () => {
  const gz = await get("/assets/app-1234.js", "gzip");
  expect(gz.headers["content-encoding"]).toBe("gzip");
  expect(gz.body.equals(gzipSync(script))).toBe(true);
  expect((await get("/assets/app-1234.js", "br;q=0, gzip")).headers["content-encoding"]).toBe("gzip");
  const plain = await get("/assets/app-1234.js");
  expect(plain.headers["content-encoding"]).toBeUndefined();
  expect(plain.body.toString()).toBe(script);
});

it("revalidates index.html on every load, so a new build is picked up", async () => {
  const res = await get("/", "br");
  expect(res.status).toBe(200);
  expect(res.headers["cache-control"]).toBe("no-cache");
  expect(res.body.toString()).toContain("<title>playground</title>");
  // Cross-origin isolated, for Python mode's interrupt buffer (a SharedArrayBuffer).
  expect(res.headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(res.headers["cross-origin-embedder-policy"]).toBe("require-corp");
});
