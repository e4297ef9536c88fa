// The example gallery: the example app's consumers, each a complete module that runs as loaded, in
// TypeScript (server/examples/) and in Python (python/examples/, also the Django twin's consumers).
import type { Language } from "../../server/playground/protocol.ts";

const typescript = import.meta.glob("../../server/examples/*.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const python = import.meta.glob("../../python/examples/*.py", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

export interface Example {
  id: string;
  title: string;
  /** What to try: shown under the gallery. */
  description: string;
  /** Suggested test clients: their paths (and subprotocols). */
  clients: Array<{ label: string; path: string; subprotocols?: string }>;
  code: Record<Language, string>;
}

/** The Python file of an example, where its name differs from the id. */
const PYTHON_FILE: Record<string, string> = { "async-echo": "async_echo", json: "json_echo", "close-code": "close_code" };

const META: Array<Omit<Example, "code">> = [
  { id: "seed", title: "Seed: the tutorial's SyncConsumer", description: "It logs, but never accepts: connect and watch the handshake wait.", clients: [{ label: "alice", path: "/" }] },
  { id: "echo", title: "Echo (WebsocketConsumer)", description: "Text comes back as text, bytes as bytes.", clients: [{ label: "alice", path: "/" }] },
  { id: "async-echo", title: "Async echo (AsyncWebsocketConsumer)", description: "The same, with async handlers.", clients: [{ label: "alice", path: "/" }] },
  { id: "json", title: "JSON (JsonWebsocketConsumer)", description: "Send JSON: receive_json gets it, send_json answers.", clients: [{ label: "alice", path: "/" }] },
  { id: "chat", title: "Chat room (groups)", description: "Connect two clients to the same room: a message from one reaches both.", clients: [{ label: "alice", path: "/ws/chat/lobby/" }, { label: "bob", path: "/ws/chat/lobby/" }] },
  { id: "direct", title: "Direct messages (channel_name)", description: "Each client is told its channel_name: send {\"to\": <the other's>, \"text\": \"hi\"} from one to reach the other.", clients: [{ label: "alice", path: "/" }, { label: "bob", path: "/" }] },
  { id: "reject", title: "Reject (close in connect)", description: "A close before accept: the browser gets HTTP 403.", clients: [{ label: "alice", path: "/" }] },
  { id: "subprotocol", title: "Subprotocols", description: "Offer chat.v2 as a subprotocol, then send anything.", clients: [{ label: "alice", path: "/", subprotocols: "chat.v2" }] },
  { id: "boom", title: "Error in a handler", description: "An exception after accept: the server closes with 1011.", clients: [{ label: "alice", path: "/" }] },
  { id: "close-code", title: "Close with a code", description: "Any message makes it close with the application code 4001.", clients: [{ label: "alice", path: "/" }] },
];

export const EXAMPLES: Example[] = META.map((meta) => ({
  ...meta,
  code: {
    typescript: typescript[`../../server/examples/${meta.id}.ts`] ?? "",
    python: python[`../../python/examples/${PYTHON_FILE[meta.id] ?? meta.id}.py`] ?? "",
  },
}));

export const LANGUAGES: Array<{ id: Language; title: string }> = [
  { id: "typescript", title: "TypeScript" },
  { id: "python", title: "Python" },
];

export const DEFAULT_EXAMPLE = EXAMPLES[0]!;
