#!/usr/bin/env node
// Bundles a server entry point for Node (npm packages stay external). Servers run from a bundle, not
// through tsx: tsx keeps function names with Object.defineProperty, which puts every closure's properties
// in V8's slow dictionary mode and costs each open connection about a kilobyte.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root: found upwards, because this module also runs bundled into a server in dist/. */
function find_root() {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error("package.json not found");
  }
}
const root = find_root();

/** Bundles `entry` (relative to the project) to dist/<same path>.js and returns the output path. */
export async function build_server(entry) {
  const outfile = join(root, "dist", relative(root, join(root, entry)).replace(/\.ts$/, ".js"));
  await build({
    entryPoints: [join(root, entry)], outfile, bundle: true, platform: "node", format: "esm", target: "node20",
    packages: "external", sourcemap: true, logLevel: "warning",
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const entry of process.argv.slice(2)) console.log(relative(root, await build_server(entry)));
}
