// Pyodide from our own origin, never a CDN: the dev server serves the npm package's runtime files and the
// build copies them, under a versioned path so they are cached for good.
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

export function pyodide_assets(): Plugin {
  const version = (JSON.parse(readFileSync(`${PACKAGE}package.json`, "utf8")) as { version: string }).version;
  const base = `/assets/pyodide-${version}/`;
  return {
    name: "pyodide-assets",
    config: () => ({ define: { __PYODIDE_BASE__: JSON.stringify(base) } }),
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.startsWith(base) ? req.url.slice(base.length).split("?")[0]! : "";
        const type = FILES[name];
        if (type === undefined) return next();
        res.setHeader("Content-Type", type);
        res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        for (const [header, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(header, value);
        createReadStream(`${PACKAGE}${name}`).pipe(res);
      });
    },
    generateBundle() {
      for (const name of Object.keys(FILES)) {
        this.emitFile({ type: "asset", fileName: `${base.slice(1)}${name}`, source: readFileSync(`${PACKAGE}${name}`) });
      }
    },
  };
}
