// Serves the built UI: the brotli or gzip copy the build wrote when the browser takes it, and hashed
// assets cached for good (a new build gives them new names); index.html is revalidated on every load.
import express, { type Request, type Response, type NextFunction, type Router } from "express";
import { existsSync, readdirSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { ISOLATION_HEADERS } from "./isolation-headers.ts";

const ENCODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

/** URL path → the encodings with a precompressed copy on disk. */
function precompressed(dir: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      for (const { name, suffix } of ENCODINGS) {
        if (!entry.name.endsWith(suffix)) continue;
        const url = `/${relative(dir, path.slice(0, -suffix.length)).split(sep).join("/")}`;
        found.set(url, (found.get(url) ?? new Set()).add(name));
      }
    }
  };
  walk(dir);
  return found;
}

const cache_control = (url: string) => (url.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");

export function serve_ui(dir: string): Router {
  const router = express.Router();
  const copies = existsSync(dir) ? precompressed(dir) : new Map<string, Set<string>>();
  router.use((_req: Request, res: Response, next: NextFunction) => {
    res.set(ISOLATION_HEADERS);
    next();
  });
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const url = req.path === "/" ? "/index.html" : req.path;
    const available = copies.get(url);
    if (!available) return next();
    // Ours, not the client's order: browsers list gzip before br, and br is a fifth smaller.
    const encoding = ENCODINGS.find((e) => available.has(e.name) && req.acceptsEncodings(e.name) === e.name);
    res.vary("Accept-Encoding");
    if (!encoding) return next();
    res.type(extname(url));
    res.set({ "Content-Encoding": encoding.name, "Cache-Control": cache_control(url) });
    res.sendFile(join(dir, url + encoding.suffix), { cacheControl: false }, (error) => {
      // A browser that navigates away mid-download is not an error worth a stack trace.
      if (error && !res.headersSent) next(error);
    });
  });
  router.use(express.static(dir, {
    cacheControl: false,
    setHeaders: (res, path) => res.setHeader("Cache-Control", cache_control(`/${relative(dir, path).split(sep).join("/")}`)),
  }));
  return router;
}
