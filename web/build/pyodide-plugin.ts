// Pyodide from our own origin, never a CDN: the dev server serves the npm package's runtime files and the
// build copies them, under a versioned path so they are cached for good. Beside them goes a memory snapshot
// of an interpreter that has started and imported what the playground's runtime uses: restoring it takes a
// tenth of a fresh start, which is most of how soon Python mode is ready.
import { createReadStream, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { ISOLATION_HEADERS } from "../../server/isolation-headers.ts";

const PACKAGE = fileURLToPath(new URL("../../node_modules/pyodide/", import.meta.url));
const FILES: Record<string, string> = {
  "pyodide.mjs": "text/javascript",
  "pyodide.asm.mjs": "text/javascript",
  "pyodide.asm.wasm": "application/wasm",
  "python_stdlib.zip": "application/zip",
  "pyodide-lock.json": "application/json",
};

export { ISOLATION_HEADERS };
export const SNAPSHOT = "snapshot.bin";

/** The standard modules python/playground and python/channels import, so the snapshot holds them loaded. */
const WARM_IMPORTS = "import asyncio, base64, contextvars, copy, functools, inspect, json, random, re, string, time, traceback, types";

let snapshot: Promise<Uint8Array> | null = null;
/** Made once per process (2-3 s): Pyodide in Node, the same build the browser runs. */
function make_snapshot(): Promise<Uint8Array> {
  snapshot ??= (async () => {
    const { loadPyodide } = await import("pyodide");
    const py = await loadPyodide({ indexURL: PACKAGE, _makeSnapshot: true } as Parameters<typeof loadPyodide>[0]);
    py.runPython(WARM_IMPORTS);
    return (py as unknown as { makeMemorySnapshot(): Uint8Array }).makeMemorySnapshot();
  })();
  return snapshot;
}

export function pyodide_assets(): Plugin {
  const version = (JSON.parse(readFileSync(`${PACKAGE}package.json`, "utf8")) as { version: string }).version;
  const base = `/assets/pyodide-${version}/`;
  return {
    name: "pyodide-assets",
    config: () => ({ define: { __PYODIDE_BASE__: JSON.stringify(base), __PYODIDE_SNAPSHOT__: JSON.stringify(SNAPSHOT) } }),
    configureServer(server) {
      void make_snapshot(); // ahead of the page's first request for it
      server.middlewares.use((req, res, next) => {
        const name = req.url?.startsWith(base) ? req.url.slice(base.length).split("?")[0]! : "";
        if (name === SNAPSHOT) {
          make_snapshot().then((bytes) => {
            res.setHeader("Content-Type", "application/octet-stream");
            for (const [header, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(header, value);
            res.end(bytes);
          }, next);
          return;
        }
        const type = FILES[name];
        if (type === undefined) return next();
        res.setHeader("Content-Type", type);
        res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        for (const [header, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(header, value);
        createReadStream(`${PACKAGE}${name}`).pipe(res);
      });
    },
    async generateBundle() {
      for (const name of Object.keys(FILES)) {
        this.emitFile({ type: "asset", fileName: `${base.slice(1)}${name}`, source: readFileSync(`${PACKAGE}${name}`) });
      }
      this.emitFile({ type: "asset", fileName: `${base.slice(1)}${SNAPSHOT}`, source: await make_snapshot() });
    },
  };
}
