// The Monaco editor, with compile diagnostics as markers and Ctrl/Cmd+Enter to run.
import Editor, { type OnMount } from "@monaco-editor/react";
import { useEffect, useRef } from "react";
import type { Diagnostic } from "../../../server/playground/protocol.ts";
import { monaco } from "./monaco-setup.ts";

export interface EditorProps {
  code: string;
  onChange(code: string): void;
  onRun(): void;
  diagnostics: Diagnostic[];
  theme: "light" | "dark";
}

const MODEL_URI = "file:///consumer.ts";

export default function MonacoEditor({ code, onChange, onRun, diagnostics, theme }: EditorProps) {
  const editor = useRef<Parameters<OnMount>[0] | null>(null);
  const run = useRef(onRun);
  run.current = onRun;

  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(MODEL_URI));
    if (model === null) return;
    monaco.editor.setModelMarkers(model, "run", diagnostics.map((d) => ({
      startLineNumber: d.line, startColumn: d.column, endLineNumber: d.end_line ?? d.line, endColumn: d.end_column ?? d.column + 1,
      message: d.message, severity: d.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
    })));
  }, [diagnostics]);

  return (
    <Editor
      path={MODEL_URI}
      defaultLanguage="typescript"
      value={code}
      theme={theme === "dark" ? "vs-dark" : "vs"}
      onChange={(value) => onChange(value ?? "")}
      onMount={(instance) => {
        editor.current = instance;
        instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => run.current());
      }}
      options={{
        minimap: { enabled: false }, fontSize: 14, scrollBeyondLastLine: false, automaticLayout: true, tabSize: 2,
        ariaLabel: "Consumer code", accessibilitySupport: "auto", fixedOverflowWidgets: true,
      }}
      loading={<p className="editor-loading">Loading the editor…</p>}
    />
  );
}
