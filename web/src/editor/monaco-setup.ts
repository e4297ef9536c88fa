// Monaco from the bundle, never from a CDN: the editor core, the TypeScript language (highlighting and the
// language service), Python's highlighting and the channels API's declarations. Loaded lazily: it is most of the page's weight.
import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor/editor/editor.api.js";
import "monaco-editor/languages/definitions/typescript/register.js";
import "monaco-editor/languages/definitions/python/register.js";
import { ModuleKind, ModuleResolutionKind, ScriptTarget, typescriptDefaults } from "monaco-editor/languages/features/typescript/register.js";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import TsWorker from "monaco-editor/languages/features/typescript/ts.worker?worker";
import channels_types from "virtual:channels-types";

(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === "typescript" || label === "javascript" ? new TsWorker() : new EditorWorker()),
};

typescriptDefaults.setCompilerOptions({
  target: ScriptTarget.ES2020,
  module: ModuleKind.ESNext,
  moduleResolution: ModuleResolutionKind.NodeJs,
  lib: ["es2020"],
  // Learners come from Python: untyped parameters are fine, and so is this.channel_layer without `!`.
  strict: false,
  noImplicitAny: false,
  allowNonTsExtensions: true,
  noEmit: true,
  baseUrl: "file:///",
});
typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
for (const lib of channels_types) typescriptDefaults.addExtraLib(lib.content, lib.path);

loader.config({ monaco });

export { monaco };
