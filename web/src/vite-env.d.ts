/// <reference types="vite/client" />

declare module "virtual:channels-types" {
  const libs: Array<{ path: string; content: string }>;
  export default libs;
}

/** Where the build serves Pyodide's runtime files (web/build/pyodide-plugin.ts). */
declare const __PYODIDE_BASE__: string;
