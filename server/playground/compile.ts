// TypeScript to JavaScript for the sandbox with esbuild: the runtime (with the channels core) once, the
// learner's module on every run. Errors come back with line and column for the editor's markers.
import { build, type Message, type Plugin } from "esbuild";
import { join } from "node:path";
import { project_root } from "../paths.ts";
import type { Diagnostic } from "./protocol.ts";

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

export interface Compiled {
  ok: true;
  code: string;
  source_map: string;
  ms: number;
}

export interface Failed {
  ok: false;
  diagnostics: Diagnostic[];
  ms: number;
}

function diagnostic(message: Message, severity: "error" | "warning"): Diagnostic {
  const loc = message.location;
  const line = loc?.line ?? 1;
  const column = (loc?.column ?? 0) + 1;
  return { line, column, end_line: line, end_column: column + Math.max(1, loc?.length ?? 1), message: message.text, severity };
}

/** The learner's module as a script that sets `globalThis.__user` to its exports. */
export async function compile_learner(source: string): Promise<Compiled | Failed> {
  const started = performance.now();
  try {
    const result = await build({
      stdin: { contents: source, loader: "ts", sourcefile: LEARNER_FILE },
      bundle: true, write: false, format: "iife", globalName: "__user", platform: "neutral", target: "es2022",
      sourcemap: "external", outfile: LEARNER_SCRIPT, logLevel: "silent", plugins: [channels_modules],
      supported: { "dynamic-import": true },
    });
    const code = result.outputFiles.find((f) => f.path.endsWith(".js"))!.text;
    const source_map = result.outputFiles.find((f) => f.path.endsWith(".map"))!.text;
    return { ok: true, code, source_map, ms: performance.now() - started };
  } catch (error) {
    const failure = error as { errors?: Message[]; warnings?: Message[] };
    const diagnostics = [
      ...(failure.errors ?? []).map((m) => diagnostic(m, "error")),
      ...(failure.warnings ?? []).map((m) => diagnostic(m, "warning")),
    ];
    if (diagnostics.length === 0) diagnostics.push({ line: 1, column: 1, message: String(error), severity: "error" });
    return { ok: false, diagnostics, ms: performance.now() - started };
  }
}

let runtime: Promise<string> | null = null;

/** The in-isolate runtime and the channels core, as one script (built once per process). */
export function runtime_script(): Promise<string> {
  runtime ??= build({
    entryPoints: [join(project_root(), "server/playground/sandbox/runtime.ts")],
    bundle: true, write: false, format: "iife", platform: "neutral", target: "es2022", logLevel: "warning",
  }).then((r) => r.outputFiles[0]!.text);
  return runtime;
}
