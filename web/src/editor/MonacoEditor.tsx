// The Monaco editor, with compile diagnostics as markers and Ctrl/Cmd+Enter to run.
import Editor, { type OnMount } from "@monaco-editor/react";
import { useEffect, useRef } from "react";
import type { Diagnostic, Language } from "../../../server/playground/protocol.ts";
import { monaco } from "./monaco-setup.ts";

export interface EditorProps {
  code: string;
  language: Language;
  onChange(code: string): void;
  onRun(): void;
  diagnostics: Diagnostic[];
  theme: "light" | "dark";
}

/** One model per language: the TypeScript service checks consumer.ts against the channels API's types. */
const MODEL_URI: Record<Language, string> = { typescript: "file:///consumer.ts", python: "file:///consumer.py" };

export default function MonacoEditor({ code, language, onChange, onRun, diagnostics, theme, readOnly = false }: EditorProps & { readOnly?: boolean }) {
  const path = readOnly ? MODEL_URI[language].replace("consumer", "example") : MODEL_URI[language];
  const editor = useRef<Parameters<OnMount>[0] | null>(null);
  const run = useRef(onRun);
  run.current = onRun;

  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(path));
    if (model === null) return;
    monaco.editor.setModelMarkers(model, "run", diagnostics.map((d) => ({
      startLineNumber: d.line, startColumn: d.column, endLineNumber: d.end_line ?? d.line, endColumn: d.end_column ?? d.column + 1,
      message: d.message, severity: d.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
    })));
  }, [diagnostics, path]);

  return (
    <Editor
      path={path}
      language={language}
      value={code}
      theme={theme === "dark" ? "vs-dark" : "vs"}
      onChange={(value) => onChange(value ?? "")}
      onMount={(instance) => {
        editor.current = instance;
        instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => run.current());
      }}
      options={{
        minimap: { enabled: false }, fontSize: 14, scrollBeyondLastLine: false, automaticLayout: true, tabSize: language === "python" ? 4 : 2,
        ariaLabel: readOnly ? "Example code in the other language" : "Consumer code", accessibilitySupport: "auto", fixedOverflowWidgets: true, readOnly,
      }}
      loading={<p className="editor-loading">Loading the editor…</p>}
    />
  );
}
