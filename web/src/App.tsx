// The playground: code on the left, test clients and the event log on the right.
import { useCallback, useEffect, useRef, useState } from "react";
import { SessionClient } from "./api/session.ts";
import { TestClient } from "./clients/TestClient.tsx";
import { CodeEditor, CodeView } from "./editor/CodeEditor.tsx";
import { DEFAULT_EXAMPLE, EXAMPLES, LANGUAGES } from "./gallery.ts";
import { EventLog } from "./log/EventLog.tsx";
import type { Hint } from "./log/hints.ts";
import type { PythonStatus } from "./python/host.ts";
import { PythonTab } from "./python/tab.ts";
import type { Language } from "../../server/playground/protocol.ts";
import { read_shared, share_url } from "./state/share.ts";
import { add_records, client_id, clients_for, get, update, useStore, type ClientConfig, type Theme } from "./state/store.ts";

function useEffectiveTheme(theme: Theme): "light" | "dark" {
  const query = "(prefers-color-scheme: dark)";
  const [system, setSystem] = useState(() => (matchMedia(query).matches ? "dark" : "light"));
  useEffect(() => {
    const media = matchMedia(query);
    const on = () => setSystem(media.matches ? "dark" : "light");
    media.addEventListener("change", on);
    return () => media.removeEventListener("change", on);
  }, []);
  const effective = theme === "system" ? system : theme;
  useEffect(() => {
    document.documentElement.dataset.theme = effective;
  }, [effective]);
  return effective as "light" | "dark";
}

const THEMES: Theme[] = ["system", "light", "dark"];

export function App() {
  const code = useStore((s) => s.code);
  const language = useStore((s) => s.language);
  const side_by_side = useStore((s) => s.layout.side_by_side);
  const example = useStore((s) => s.example);
  const clients = useStore((s) => s.clients);
  const control = useStore((s) => s.control);
  const version = useStore((s) => s.version);
  const running = useStore((s) => s.running);
  const diagnostics = useStore((s) => s.diagnostics);
  const run_error = useStore((s) => s.run_error);
  const theme = useStore((s) => s.theme);
  const editor_pct = useStore((s) => s.layout.editor_pct);
  const effective = useEffectiveTheme(theme);
  const session = useRef<SessionClient | null>(null);
  const python = useRef<PythonTab | null>(null);
  const [python_status, setPythonStatus] = useState<PythonStatus>({ state: "idle" });
  const [limits, setLimits] = useState({ handshake_timeout_s: 5 });
  const [shared, setShared] = useState<string | null>(null);
  const served_code = useRef<string | null>(null);

  const run = useCallback(async (source = get().code, lang: Language = get().language) => {
    const client = session.current;
    if (client === null) return;
    update({ running: true });
    if (lang === "python") python.current?.host.start();
    const result = await client.run(source, lang);
    if (result.ok) served_code.current = source;
    update({ running: false, diagnostics: result.diagnostics, run_error: result.ok ? null : result.error ?? (result.diagnostics[0] ? "The code did not compile" : "The code could not be applied"), version: result.ok ? result.version : get().version });
  }, []);

  useEffect(() => {
    let client: SessionClient;
    let cancelled = false;
    void (async () => {
      const link = await read_shared();
      // Unmounted meanwhile (React's development mode mounts twice): the next mount opens the session.
      if (cancelled) return;
      if (link) {
        update({ code: link.code, language: link.language, drafts: {}, example: link.example, clients: link.clients.map((c) => ({ ...c, id: client_id() })) });
        history.replaceState(null, "", location.pathname);
      }
      const tab = new PythonTab((message) => client.send(message));
      python.current = tab;
      tab.host.on_status((status) => {
        setPythonStatus(status);
        // For bench:page, which reports how long the worker's start took.
        if (status.state === "ready") ((window as unknown as { __playground?: Record<string, unknown> }).__playground ??= {}).python_boot_ms = tab.host.boot_ms;
      });
      client = new SessionClient({
        state: (state, detail) => update({ control: { state, detail } }),
        welcome: (message) => {
          update({ session: message.session, version: message.version });
          setLimits({ handshake_timeout_s: message.limits.handshake_timeout_s });
          tab.host.set_timeout(message.limits.handler_timeout_ms);
          served_code.current = message.code;
          // A reload or a shared link brings code the session is not serving yet: apply it.
          if (message.code !== get().code || message.language !== get().language) void run();
          // Python starts in the background once the page has settled (Monaco first: on two cores they would
          // compete), so switching later finds it ready; switching at once starts it on the spot.
          if (get().language === "python") tab.host.start();
          else setTimeout(() => requestIdleCallback(() => tab.host.start(), { timeout: 2000 }), 1000);
        },
        tab: (message) => void tab.receive(message),
        trace: (records, dropped) => {
          add_records(records, dropped);
          // The session restarts by itself after a stopped handler: follow the version it serves.
          const last = records.findLast((r) => r.kind === "lifecycle" && (r.event === "applied" || r.event === "restarted"));
          if (last?.kind === "lifecycle" && last.version) update({ version: last.version });
        },
        replaced: () => update({ records: [], cleared_after: 0 }),
      });
      session.current = client;
      await client.start();
    })().catch((error: unknown) => update({ control: { state: "closed", detail: (error as Error).message } }));
    return () => {
      cancelled = true;
      client?.close();
      python.current?.host.close();
    };
  }, [run]);

  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && !(e.target as HTMLElement).closest(".monaco-editor, .plain-editor, .composer")) {
        e.preventDefault();
        void run();
      }
    };
    window.addEventListener("keydown", on);
    return () => window.removeEventListener("keydown", on);
  }, [run]);

  const choose_example = (id: string) => {
    const chosen = EXAMPLES.find((e) => e.id === id);
    if (!chosen) return;
    const { language } = get();
    update({ example: id, code: chosen.code[language], drafts: {}, clients: clients_for(id), diagnostics: [] });
    void run(chosen.code[language], language);
  };

  /** The other language's draft comes back, or else this example in that language. */
  const choose_language = (next: Language) => {
    const { language, code, drafts, example } = get();
    if (next === language) return;
    const source = drafts[next] ?? (EXAMPLES.find((e) => e.id === example) ?? DEFAULT_EXAMPLE).code[next];
    update({ language: next, code: source, drafts: { ...drafts, [language]: code }, diagnostics: [], run_error: null });
    void run(source, next);
  };

  const fix = (hint: Hint) => {
    const next = hint.fix?.apply(get().code);
    if (next === null || next === undefined) {
      update({ run_error: "The fix could not find where to go in this code: edit it by hand." });
      return;
    }
    update({ code: next });
    void run(next);
  };

  const share = async () => {
    const { code, language, example, clients } = get();
    const url = await share_url({ code, language, example, clients: clients.map(({ id: _id, ...rest }) => rest) });
    setShared(url);
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // the link is shown for copying by hand
    }
  };

  const set_client = (next: ClientConfig) => update((s) => ({ clients: s.clients.map((c) => (c.id === next.id ? next : c)) }));
  const add_client = () => update((s) => ({ clients: [...s.clients, { id: client_id(), label: `client ${s.clients.length + 1}`, path: s.clients.at(-1)?.path ?? "/", query: "", subprotocols: "" }] }));
  const client_url = (config: ClientConfig) => session.current!.client_url(config.path, config.query, config.label);

  const chosen = EXAMPLES.find((e) => e.id === example);
  const other: Language = language === "python" ? "typescript" : "python";
  const other_title = LANGUAGES.find((l) => l.id === other)!.title;
  const edited = chosen === undefined || chosen.code[language] !== code;
  const python_note = language !== "python" ? "" : python_status.state === "starting" ? " · Python starting…" : python_status.state === "failed" ? ` · Python failed: ${python_status.detail}` : "";
  const status = control.state === "open" ? `Session live${version ? `, version ${version}` : ""}${python_note}` : control.state === "reconnecting" ? `Reconnecting${control.detail ? ` (${control.detail})` : "…"}` : control.state === "closed" ? `Disconnected${control.detail ? `: ${control.detail}` : ""}` : "Connecting…";

  return (
    <div className="app" style={{ "--editor-pct": `${editor_pct}%` } as React.CSSProperties}>
      <header className="topbar">
        <h1>channels playground</h1>
        <label className="field inline">
          <span>Example</span>
          <select aria-label="Example" value={edited ? "" : example} onChange={(e) => choose_example(e.target.value)}>
            {/* Its own entry once edited, so choosing the example again brings its code back. */}
            {edited && <option value="">{chosen ? `${chosen.title}, edited` : "Your code"}</option>}
            {EXAMPLES.map((e) => <option key={e.id} value={e.id}>{e.title}</option>)}
          </select>
        </label>
        <div className="segmented" role="group" aria-label="Language">
          {LANGUAGES.map((l) => (
            <button key={l.id} type="button" aria-pressed={language === l.id} onClick={() => choose_language(l.id)}>{l.title}</button>
          ))}
        </div>
        <button type="button" aria-pressed={side_by_side} onClick={() => update((s) => ({ layout: { ...s.layout, side_by_side: !s.layout.side_by_side } }))} title={`Show this example in ${other_title} beside the editor`}>
          Side by side
        </button>
        <button type="button" className="primary" onClick={() => void run()} disabled={running || control.state !== "open"} aria-keyshortcuts="Control+Enter">
          {running ? "Running…" : "Run"}
        </button>
        <button type="button" onClick={() => void share()}>Share</button>
        <span className={`session-status status-${control.state}`} role="status">{status}</span>
        <button type="button" className="theme-toggle" aria-label={`Theme: ${theme}`} onClick={() => update({ theme: THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length]! })}>
          {theme === "system" ? "◐ System" : theme === "light" ? "☀ Light" : "☾ Dark"}
        </button>
      </header>
      {shared && (
        <div className="share-bar" role="status">
          <span>Link copied. Anyone who opens it gets this code and these clients:</span>
          <input aria-label="Share link" readOnly value={shared} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="icon" aria-label="Close the share link" onClick={() => setShared(null)}>×</button>
        </div>
      )}
      <main className="panes">
        <section className="editor-pane" aria-label="Code">
          <p className="editor-help">
            {chosen?.description ?? "Your own consumer."} Run with <kbd>Ctrl</kbd>+<kbd>Enter</kbd>.
            Tab indents inside the editor: press <kbd>Ctrl</kbd>+<kbd>M</kbd> (<kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>M</kbd> on a Mac) to move focus with Tab instead.
          </p>
          <div className={side_by_side ? "editor-columns" : "editor-columns single"}>
            <div className="editor-box">
              <CodeEditor ready={control.state !== "connecting"} language={language} code={code} onChange={(next) => update({ code: next })} onRun={() => void run()} diagnostics={diagnostics} theme={effective} />
            </div>
            {side_by_side && (
              <div className="editor-box other" role="region" aria-label={`${chosen?.title ?? DEFAULT_EXAMPLE.title} in ${other_title}`}>
                <p className="other-title">{chosen?.title ?? DEFAULT_EXAMPLE.title}, in {other_title} (read-only: switch language to run it)</p>
                <CodeView language={other} code={(chosen ?? DEFAULT_EXAMPLE).code[other]} theme={effective} ready={control.state !== "connecting"} />
              </div>
            )}
          </div>
          {(run_error || diagnostics.length > 0) && (
            <div className="problems" role="region" aria-label="Problems">
              {run_error && <p className="error-text">{run_error}</p>}
              <ul>
                {diagnostics.map((d, i) => <li key={i}>Line {d.line}, column {d.column}: {d.message}</li>)}
              </ul>
            </div>
          )}
        </section>
        <div
          className="splitter" role="separator" aria-orientation="vertical" aria-label="Resize the editor" tabIndex={0}
          aria-valuemin={20} aria-valuemax={80} aria-valuenow={Math.round(editor_pct)}
          onKeyDown={(e) => {
            const step = e.key === "ArrowLeft" ? -5 : e.key === "ArrowRight" ? 5 : 0;
            if (step) update((s) => ({ layout: { ...s.layout, editor_pct: Math.min(80, Math.max(20, s.layout.editor_pct + step)) } }));
          }}
          onPointerDown={(e) => {
            const panes = e.currentTarget.parentElement!;
            e.currentTarget.setPointerCapture(e.pointerId);
            const move = (m: PointerEvent) => {
              const box = panes.getBoundingClientRect();
              update((s) => ({ layout: { ...s.layout, editor_pct: Math.min(80, Math.max(20, ((m.clientX - box.left) / box.width) * 100)) } }));
            };
            const up = () => {
              window.removeEventListener("pointermove", move);
              window.removeEventListener("pointerup", up);
            };
            window.addEventListener("pointermove", move);
            window.addEventListener("pointerup", up);
          }}
        />
        <section className="side-pane" aria-label="Test clients and event log">
          <div className="clients">
            {session.current !== null && clients.map((config) => (
              <TestClient key={config.id} config={config} url={client_url} onChange={set_client} onRemove={() => update((s) => ({ clients: s.clients.filter((c) => c.id !== config.id) }))} />
            ))}
            <button type="button" className="add-client" onClick={add_client}>Add client</button>
          </div>
          <EventLog onFix={fix} handshake_timeout_s={limits.handshake_timeout_s} />
        </section>
      </main>
    </div>
  );
}
