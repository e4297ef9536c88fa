// The code editor: a plain text area at once, Monaco when its chunk has loaded, so the page is usable first.
import { Component, lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import type { EditorProps } from "./MonacoEditor.tsx";

const MonacoEditor = lazy(() => import("./MonacoEditor.tsx"));

/** The plain editor: also what remains if Monaco cannot load. */
function PlainEditor({ code, onChange, onRun }: Pick<EditorProps, "code" | "onChange" | "onRun">) {
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

/**
 * Monaco's 3 MB parse on the main thread would hold up the session's handshake (and with it Run and
 * Connect), so it loads once the session is up, or after MONACO_DELAY_MS if that takes longer.
 */
const MONACO_DELAY_MS = 1500;

function useWhenReady(ready: boolean): boolean {
  const [due, setDue] = useState(ready);
  useEffect(() => {
    if (ready) return setDue(true);
    const timer = setTimeout(() => setDue(true), MONACO_DELAY_MS);
    return () => clearTimeout(timer);
  }, [ready]);
  return due || ready;
}

export function CodeEditor({ ready, ...props }: EditorProps & { ready: boolean }) {
  useTestHook(props);
  const plain = <PlainEditor {...props} />;
  if (!useWhenReady(ready)) return plain;
  return (
    <Fallback plain={plain}>
      <Suspense fallback={plain}>
        <MonacoEditor {...props} />
      </Suspense>
    </Fallback>
  );
}

/** Code to read beside the editor (the example in the other language). */
export function CodeView({ ready, code, language, theme }: Pick<EditorProps, "code" | "language" | "theme"> & { ready: boolean }) {
  const plain = <pre className="plain-view">{code}</pre>;
  if (!useWhenReady(ready)) return plain;
  return (
    <Fallback plain={plain}>
      <Suspense fallback={plain}>
        <MonacoEditor readOnly code={code} language={language} theme={theme} diagnostics={[]} onChange={() => {}} onRun={() => {}} />
      </Suspense>
    </Fallback>
  );
}
