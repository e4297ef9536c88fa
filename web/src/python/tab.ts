// This tab as the runner of its session's Python app: the server's py_load and py_events go to the worker,
// and what the worker reports goes back, tagged with the version it serves.
import type { ClientMessage, ServerMessage } from "../../../server/playground/protocol.ts";
import { PythonHost } from "./host.ts";

export type TabMessage = Extract<ServerMessage, { type: "py_load" | "py_events" }>;

export class PythonTab {
  readonly host: PythonHost;
  private version = 0;

  constructor(private readonly post: (message: ClientMessage) => void) {
    this.host = new PythonHost({
      ops: (ops) => this.post({ type: "py_ops", version: this.version, ops: ops as Extract<ClientMessage, { type: "py_ops" }>["ops"] }),
      stopped: (stop) => this.post({ type: "py_stopped", version: this.version, ...stop }),
    });
  }

  async receive(message: TabMessage): Promise<void> {
    if (message.type === "py_events") return this.host.dispatch(message.events);
    const result = await this.host.load(message.version, message.code);
    if (result.ok) this.version = message.version;
    this.post({ type: "py_loaded", version: message.version, ...result });
  }
}
