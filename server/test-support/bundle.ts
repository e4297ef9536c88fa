// Runs TypeScript source text as a learner would write it: bundled with the channels core for a neutral
// platform (so a Node-only import anywhere in the core fails the build) and imported as a module.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function import_source<T>(source: string): Promise<T> {
  const result = await build({
    stdin: { contents: source, loader: "ts", resolveDir: ROOT },
    bundle: true, platform: "neutral", format: "esm", write: false, logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`) as Promise<T>;
}
