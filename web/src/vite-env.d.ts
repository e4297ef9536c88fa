/// <reference types="vite/client" />

declare module "virtual:channels-types" {
  const libs: Array<{ path: string; content: string }>;
  export default libs;
}

/** Where the build serves Pyodide's runtime files (web/build/pyodide-plugin.ts). */
declare const __PYODIDE_BASE__: string;
/** The interpreter snapshot's file name under __PYODIDE_BASE__. */
declare const __PYODIDE_SNAPSHOT__: string;
