// Where a session's app runs, as the session sees it: one interface, one implementation per language
// (typescript-host.ts: the sandbox process on this server; browser-runtime.ts: the Python runtime in the
// learner's tab). The session knows connections, viewers and the trace; what compiling, loading, serving
// and stopping mean in a language is its host's business.
import { BrowserRuntime } from "./browser-runtime.ts";
import type { ClientMessage, Diagnostic, Language, ServerMessage } from "./protocol.ts";
import type { SandboxLimits } from "./sandbox/ipc.ts";
import type { SandboxEvent } from "./sandbox/ops.ts";
import type { SandboxListener } from "./supervisor.ts";
import { TypeScriptHost } from "./typescript-host.ts";

/** A control socket that said hello, as a host sees it: a way to send it a message, settled once its socket took it. */
export interface BrowserHost {
  post(message: ServerMessage): Promise<void>;
}

/** What loading a version gave: what serves, or why nothing new does (the version before keeps serving). */
export type HostLoad =
  | { ok: true; detail: string }
  | {
    ok: false;
    /** "compile": the code never reached the app; "load": it ran and failed. */
    stage: "compile" | "load";
    /** A stable code for the UI (COMPILE_ERROR, COMPILE_TIMEOUT, ..., LOAD_ERROR). */
    code: string;
    message: string;
    stack?: string;
    diagnostics: Diagnostic[];
  };

/** The tab's messages about its app (py_loaded, py_ops, py_stopped). */
export type TabMessage = Extract<ClientMessage, { type: "py_loaded" | "py_ops" | "py_stopped" }>;

export interface AppHost {
  readonly language: Language;
  /** Compiles as the language needs and loads `code` as `version`. */
  load(version: number, code: string): Promise<HostLoad>;
  /** Why new connections cannot be served now (the words for the log), or null when they can. */
  unavailable(): string | null;
  /** Queues a connection's event; what one turn queued goes to the app as one batch. */
  event(event: SandboxEvent, bytes?: Uint8Array): void;
  /** While the app has not taken what was sent to it, a promise for when it has (in-flight.ts). */
  backlog(): Promise<void> | null;
  /** A stack from the app, pointed at the learner's own lines. */
  map_stack(stack: string): string;
  /** The log's words for a stop that was not a handler's deadline. */
  stop_text(reason: "memory" | "crashed", detail: string): string;
  set_tracing(on: boolean): void;
  /** A viewer said hello; true when the host must load the session's code again to serve (a new tab). */
  attach(viewer: BrowserHost): boolean;
  detach(viewer: BrowserHost): void;
  /** A viewer's message about the app this host runs there (only a tab's host takes any). */
  from_viewer(viewer: BrowserHost, message: TabMessage): void;
  /** Another host serves the session now: what this one still reports is stale. */
  retire(): void;
  close(): void;
}

/** A session's hosts, one per language, each reporting to the session through `listener(language)`. */
export function create_hosts(listener: (language: Language) => SandboxListener, limits: SandboxLimits): Record<Language, AppHost> {
  return { typescript: new TypeScriptHost(listener("typescript"), limits), python: new BrowserRuntime(listener("python")) };
}
