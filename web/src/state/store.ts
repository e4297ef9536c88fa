// The UI's state in one small store (React reads it with useSyncExternalStore). Code, test clients, layout
// and theme persist in localStorage under a versioned key; the event log does not.
import { useSyncExternalStore } from "react";
import type { TraceRecord } from "../../../server/playground/protocol.ts";
import type { Diagnostic, Language } from "../../../server/playground/protocol.ts";
import { DEFAULT_EXAMPLE, EXAMPLES } from "../gallery.ts";

export interface ClientConfig {
  id: string;
  label: string;
  path: string;
  query: string;
  subprotocols: string;
}

export type Theme = "system" | "light" | "dark";

export interface Persisted {
  code: string;
  language: Language;
  /** The code last in the editor in the other language, brought back when the learner switches. */
  drafts: Partial<Record<Language, string>>;
  example: string;
  clients: ClientConfig[];
  layout: { editor_pct: number; side_by_side: boolean };
  theme: Theme;
}

export interface State extends Persisted {
  control: { state: "connecting" | "open" | "reconnecting" | "closed"; detail?: string };
  session: string | null;
  version: number;
  running: boolean;
  diagnostics: Diagnostic[];
  run_error: string | null;
  records: TraceRecord[];
  dropped: number;
  /** Records up to this sequence number are cleared from view. */
  cleared_after: number;
  paused: boolean;
  /** Records that arrived while paused. */
  held: TraceRecord[];
}

const KEY = "channels-playground:v1";
const MAX_RECORDS = 5000;
let next_id = 1;
export const client_id = () => `k${Date.now().toString(36)}${next_id++}`;

export function clients_for(example_id: string): ClientConfig[] {
  const example = EXAMPLES.find((e) => e.id === example_id) ?? DEFAULT_EXAMPLE;
  return example.clients.map((c) => ({ id: client_id(), label: c.label, path: c.path, query: "", subprotocols: c.subprotocols ?? "" }));
}

function defaults(): Persisted {
  return {
    code: DEFAULT_EXAMPLE.code.typescript, language: "typescript", drafts: {}, example: DEFAULT_EXAMPLE.id, clients: clients_for(DEFAULT_EXAMPLE.id),
    layout: { editor_pct: 50, side_by_side: false }, theme: "system",
  };
}

function load(): Persisted {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return defaults();
    const saved = JSON.parse(raw) as Partial<Persisted>;
    const base = defaults();
    return {
      code: typeof saved.code === "string" ? saved.code : base.code,
      language: saved.language === "python" ? "python" : "typescript",
      drafts: { python: typeof saved.drafts?.python === "string" ? saved.drafts.python : undefined, typescript: typeof saved.drafts?.typescript === "string" ? saved.drafts.typescript : undefined },
      example: typeof saved.example === "string" ? saved.example : base.example,
      clients: Array.isArray(saved.clients) && saved.clients.length > 0 ? saved.clients : base.clients,
      layout: { editor_pct: Math.min(80, Math.max(20, Number(saved.layout?.editor_pct) || 50)), side_by_side: saved.layout?.side_by_side === true },
      theme: saved.theme === "light" || saved.theme === "dark" ? saved.theme : "system",
    };
  } catch {
    return defaults();
  }
}

let state: State = {
  ...load(),
  control: { state: "connecting" }, session: null, version: 0, running: false, diagnostics: [], run_error: null,
  records: [], dropped: 0, cleared_after: 0, paused: false, held: [],
};
const listeners = new Set<() => void>();

export function get(): State {
  return state;
}

export function update(change: Partial<State> | ((s: State) => Partial<State>)): void {
  const patch = typeof change === "function" ? change(state) : change;
  state = { ...state, ...patch };
  for (const listener of listeners) listener();
  persist();
}

let persist_timer: ReturnType<typeof setTimeout> | null = null;
function persist(): void {
  if (persist_timer !== null) return;
  persist_timer = setTimeout(() => {
    persist_timer = null;
    const { code, language, drafts, example, clients, layout, theme } = state;
    localStorage.setItem(KEY, JSON.stringify({ code, language, drafts, example, clients, layout, theme } satisfies Persisted));
  }, 200);
}

export function useStore<T>(select: (s: State) => T): T {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, () => select(state));
}

/** New trace records: kept (bounded), or held while the log is paused. */
export function add_records(records: TraceRecord[], dropped: number): void {
  update((s) => {
    if (s.paused) return { held: [...s.held, ...records].slice(-MAX_RECORDS), dropped: s.dropped + dropped };
    const all = [...s.records, ...records];
    return { records: all.length > MAX_RECORDS ? all.slice(-MAX_RECORDS) : all, dropped: s.dropped + dropped };
  });
}

export function set_paused(paused: boolean): void {
  update((s) => (paused ? { paused } : { paused, records: [...s.records, ...s.held].slice(-MAX_RECORDS), held: [] }));
}
