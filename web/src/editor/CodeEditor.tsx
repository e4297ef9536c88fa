// The code editor: a plain text area at once, Monaco when its chunk has loaded, so the page is usable first.
import { Component, lazy, Suspense, useEffect, type ReactNode } from "react";
import type { EditorProps } from "./MonacoEditor.tsx";

const MonacoEditor = lazy(() => import("./MonacoEditor.tsx"));

/** The plain editor: also what remains if Monaco cannot load. */
function PlainEditor({ code, onChange, onRun }: EditorProps) {
  return (
    <textarea
      className="plain-editor" aria-label="Consumer code" spellCheck={false} value={code}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
          e.preventDefault();
          onRun();
        }
      }}
    />
  );
}

class Fallback extends Component<{ plain: ReactNode; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.plain : this.props.children;
  }
}

/** Lets end-to-end tests set the code the way a learner's edit would, without typing it. */
function useTestHook(props: EditorProps) {
  useEffect(() => {
    const hook = ((window as unknown as { __playground?: Record<string, unknown> }).__playground ??= {});
    hook.setCode = (code: string) => props.onChange(code);
    hook.run = () => props.onRun();
  }, [props]);
}

export function CodeEditor(props: EditorProps) {
  useTestHook(props);
  const plain = <PlainEditor {...props} />;
  return (
    <Fallback plain={plain}>
      <Suspense fallback={plain}>
        <MonacoEditor {...props} />
      </Suspense>
    </Fallback>
  );
}
