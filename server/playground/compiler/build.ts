// The learner's module compiled with esbuild, in a compiler worker process (see pool.ts): errors come back
// with line and column for the editor's markers.
import { build, type Message, type Plugin } from "esbuild";
import type { Diagnostic } from "../protocol.ts";

export const LEARNER_FILE = "consumer.ts";
/** The compiled learner script's name in stack traces (the source map turns it back into consumer.ts). */
export const LEARNER_SCRIPT = "consumer.js";

/** Module names a learner imports the channels API from: the Python module paths, or the repo's own path. */
const CHANNELS_MODULE = /^(channels(\/.*)?|django\/urls|asgiref\/sync|(\.{1,2}\/)+(server\/)?channels(\/index(\.ts)?)?)$/;

const channels_modules: Plugin = {
  name: "channels-modules",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      if (CHANNELS_MODULE.test(args.path)) return { path: "channels", namespace: "channels" };
      return {
        errors: [{
          text: `Cannot import "${args.path}" here: consumer code runs in a sandbox without Node modules, the file ` +
            `system or the network. Import the channels API from "channels" (or channels/generic/websocket, channels/layers, django/urls...).`,
        }],
      };
    });
    b.onLoad({ filter: /.*/, namespace: "channels" }, () => ({ contents: "module.exports = globalThis.__channels;", loader: "js" }));
  },
};

export type Built = { ok: true; code: string; source_map: string } | { ok: false; diagnostics: Diagnostic[] };

function diagnostic(message: Message, severity: "error" | "warning"): Diagnostic {
  const loc = message.location;
  const line = loc?.line ?? 1;
  const column = (loc?.column ?? 0) + 1;
  return { line, column, end_line: line, end_column: column + Math.max(1, loc?.length ?? 1), message: message.text, severity };
}

/** The learner's module as a script that sets `globalThis.__user` to its exports. */
export async function build_learner(source: string): Promise<Built> {
  try {
    const result = await build({
      stdin: { contents: source, loader: "ts", sourcefile: LEARNER_FILE },
      bundle: true, write: false, format: "iife", globalName: "__user", platform: "neutral", target: "es2022",
      sourcemap: "external", outfile: LEARNER_SCRIPT, logLevel: "silent", plugins: [channels_modules],
      supported: { "dynamic-import": true },
    });
    const code = result.outputFiles.find((f) => f.path.endsWith(".js"))!.text;
    const source_map = result.outputFiles.find((f) => f.path.endsWith(".map"))!.text;
    return { ok: true, code, source_map };
  } catch (error) {
    const failure = error as { errors?: Message[]; warnings?: Message[] };
    const diagnostics = [
      ...(failure.errors ?? []).map((m) => diagnostic(m, "error")),
      ...(failure.warnings ?? []).map((m) => diagnostic(m, "warning")),
    ];
    if (diagnostics.length === 0) diagnostics.push({ line: 1, column: 1, message: String(error), severity: "error" });
    return { ok: false, diagnostics };
  }
}

/** Whether this process's esbuild service still answers: a build of nothing fails only when it does not. */
export async function service_alive(): Promise<boolean> {
  try {
    await build({ stdin: { contents: "" }, write: false, logLevel: "silent" });
    return true;
  } catch {
    return false;
  }
}
