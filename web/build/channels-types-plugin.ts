// A virtual module with the channels API's type declarations, for the editor's TypeScript service: the
// core's own .d.ts files (emitted here with the TypeScript compiler) and the module names learners import.
import { fileURLToPath } from "node:url";
import ts from "typescript";
import type { Plugin } from "vite";

const ID = "virtual:channels-types";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The module names a learner may import the API from (see server/playground/compile.ts). */
const ALIASES = [
  "channels", "channels/consumer", "channels/generic/websocket", "channels/generic/http", "channels/layers",
  "channels/routing", "channels/exceptions", "channels/middleware", "channels/security/websocket", "channels/auth",
  "channels/sessions", "channels/testing", "channels/db", "django/urls", "asgiref/sync",
];

/** What exists in the sandbox beside ES2022: console and the timers the runtime provides. */
const SANDBOX_GLOBALS = `
declare var console: { log(...data: unknown[]): void; info(...data: unknown[]): void; warn(...data: unknown[]): void; error(...data: unknown[]): void; debug(...data: unknown[]): void };
declare function setTimeout(callback: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function setInterval(callback: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function clearTimeout(id: number | undefined): void;
declare function clearInterval(id: number | undefined): void;
`;

function emit(): Array<{ path: string; content: string }> {
  const files: Array<{ path: string; content: string }> = [];
  const program = ts.createProgram([`${ROOT}server/channels/index.ts`], {
    declaration: true, emitDeclarationOnly: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler, allowImportingTsExtensions: true, strict: true, skipLibCheck: true,
    lib: ["lib.es2022.d.ts"], types: [], rewriteRelativeImportExtensions: false,
  });
  program.emit(undefined, (name, text) => {
    const path = name.replace(`${ROOT}server/channels/`, "");
    // The editor resolves "./types" to types.d.ts; it would not resolve "./types.ts".
    files.push({ path: `file:///node_modules/@channels/core/${path}`, content: text.replace(/(from\s+["'])(\.{1,2}\/[^"']+)\.ts(["'])/g, "$1$2$3") });
  });
  for (const alias of ALIASES) {
    files.push({ path: `file:///node_modules/${alias}/index.d.ts`, content: `export * from "@channels/core/index";\n` });
  }
  files.push({ path: "file:///node_modules/@types/sandbox/index.d.ts", content: SANDBOX_GLOBALS });
  return files;
}

export function channels_types(): Plugin {
  let cached: string | null = null;
  return {
    name: "channels-types",
    resolveId: (id) => (id === ID ? `\0${ID}` : undefined),
    load(id) {
      if (id !== `\0${ID}`) return undefined;
      cached ??= `export default ${JSON.stringify(emit())};`;
      return cached;
    },
  };
}
