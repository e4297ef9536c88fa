// One scripted WebSocket client (`ws`) that records everything it sees into a ClientTranscript.
// Incoming frames are recorded the moment they arrive, so the transcript keeps the real order even when a
// scenario is not waiting for them; the wait helpers only pace the script.

import type { IncomingMessage } from "node:http";
import WebSocket from "ws";
import {
  bucket,
  describePayload,
  type ClientTranscript,
  type CloseOutcome,
  type FrameKind,
  type Handshake,
  type WireEvent,
} from "./transcript.ts";

export interface Frame {
  kind: FrameKind;
  data: Buffer;
}

export interface ConnectOptions {
  protocols?: string[];
  // Longer than Daphne's 5 s handshake timeout, so the server's behaviour is what gets recorded.
  handshakeTimeoutMs?: number;
}

const HTTP_BODY_WAIT_MS = 2000;

export class WsSession {
  readonly events: WireEvent[] = [];
  handshake: Handshake | null = null;
  closeOutcome: CloseOutcome | null = null;
  // Off while a scenario sends or receives a burst that it summarises itself.
  recordIncoming = true;

  private readonly ws: WebSocket;
  private readonly inbox: Frame[] = [];
  private frameWaiter: (() => void) | null = null;
  private readonly closed: Promise<void>;
  private readonly handshakeSettled: Promise<Handshake>;
  private readonly started = Date.now();
  private lastActionAt = Date.now();
  private clientClosed = false;

  constructor(
    readonly url: string,
    readonly path: string,
    readonly offered: string[],
    options: ConnectOptions = {},
  ) {
    this.ws = new WebSocket(url + path, offered, {
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      // Compression would make frames server-dependent; neither side under test needs it.
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
    });
    this.ws.on("message", (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    this.closed = new Promise((resolve) => {
      this.ws.on("close", (code: number, reason: Buffer) => {
        if (this.handshake?.outcome === "open" && this.closeOutcome === null) {
          this.closeOutcome = {
            code,
            reason: reason.toString("utf8"),
            initiator: code === 1006 ? "dropped" : this.clientClosed ? "client" : "server",
            after: bucket(Date.now() - this.lastActionAt),
          };
        }
        this.wakeFrameWaiter();
        resolve();
      });
    });
    this.handshakeSettled = this.watchHandshake();
  }

  // Resolves once the handshake has an outcome; never rejects (failures are part of the transcript).
  opened(): Promise<Handshake> {
    return this.handshakeSettled;
  }

  // Listeners go on in the constructor so no early event (a fast 403, a reset) can be missed.
  private watchHandshake(): Promise<Handshake> {
    return new Promise((resolve) => {
      let upgradeProtocol: string | null = null;
      let upgraded = false;
      const settle = (h: Handshake): void => {
        if (this.handshake !== null) return;
        this.handshake = h;
        this.lastActionAt = Date.now();
        resolve(h);
      };
      const after = () => bucket(Date.now() - this.started);
      this.ws.on("upgrade", (res: IncomingMessage) => {
        upgraded = true;
        upgradeProtocol = headerValue(res.headers["sec-websocket-protocol"]);
      });
      this.ws.once("open", () => settle({ outcome: "open", status: 101, protocol: this.ws.protocol || null, after: after() }));
      this.ws.on("error", (err: Error) => {
        if (this.handshake === null) {
          settle({ outcome: "failed", error: err.message, upgraded, protocolHeader: upgradeProtocol, after: after() });
        } else if (this.handshake.outcome === "open") {
          this.events.push({ dir: "in", kind: "error", message: err.message });
        }
      });
      this.ws.on("unexpected-response", (req, res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const statusText = res.statusMessage ?? "";
        const headerNames = [...new Set(res.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase()))].sort();
        const at = after();
        let bodyBytes = 0;
        const done = (): void => {
          settle({ outcome: "http", status, statusText, headerNames, bodyBytes, after: at });
          req.destroy();
          this.ws.terminate();
        };
        const timer = setTimeout(done, HTTP_BODY_WAIT_MS);
        res.on("data", (chunk: Buffer) => (bodyBytes += chunk.length));
        res.once("end", () => {
          clearTimeout(timer);
          done();
        });
        res.once("error", () => {
          clearTimeout(timer);
          done();
        });
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(data: string | Uint8Array, opts: { record?: boolean } = {}): void {
    const binary = typeof data !== "string";
    const buf = binary ? Buffer.from(data) : Buffer.from(data, "utf8");
    if (opts.record !== false) this.events.push({ dir: "out", kind: binary ? "binary" : "text", ...describePayload(buf, binary) });
    this.lastActionAt = Date.now();
    this.ws.send(binary ? buf : data, { binary });
  }

  // code undefined sends a close frame with no payload (what browsers' ws.close() does).
  close(code?: number): void {
    this.events.push({ dir: "out", kind: "close", code: code ?? null });
    this.clientClosed = true;
    this.lastActionAt = Date.now();
    if (code === undefined) this.ws.close();
    else this.ws.close(code);
  }

  note(event: WireEvent): void {
    this.events.push(event);
  }

  // Next frame, or null after timeoutMs (recorded as "nothing") or when the socket closes first.
  async nextFrame(timeoutMs = 3000): Promise<Frame | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.isClosed()) return null;
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.waitForFrame(left))) {
        if (this.inbox.length > 0) break;
        if (!this.isClosed()) this.events.push({ dir: "in", kind: "nothing", waitedMs: timeoutMs });
        return null;
      }
    }
    return this.inbox.shift() ?? null;
  }

  // Waits and records silence if no frame arrives; a frame that does arrive is recorded as usual.
  async expectNothing(ms: number): Promise<void> {
    await this.nextFrame(ms);
  }

  // True if the socket closed within timeoutMs.
  async waitClose(timeoutMs = 4000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const result = await Promise.race([this.closed.then(() => true), timedOut]);
    clearTimeout(timer);
    return result;
  }

  // Ends the session; anything still open is reported as such rather than silently closed.
  async finish(): Promise<ClientTranscript> {
    if (this.handshake === null) {
      this.handshake = { outcome: "failed", error: "runner: handshake never settled", upgraded: false, protocolHeader: null, after: bucket(Date.now() - this.started) };
    }
    if (this.ws.readyState !== WebSocket.CLOSED) {
      if (this.handshake.outcome === "open" && this.closeOutcome === null) {
        this.closeOutcome = { code: 0, reason: "", initiator: "still-open", after: null };
      }
      this.ws.terminate();
      await this.waitClose(2000);
    }
    return {
      kind: "ws",
      path: this.path,
      offered: this.offered,
      handshake: this.handshake,
      events: this.events,
      close: this.handshake.outcome === "open" ? this.closeOutcome : null,
    };
  }

  // A method rather than an inline check so TypeScript does not narrow readyState across awaits.
  private isClosed(): boolean {
    return this.ws.readyState === WebSocket.CLOSED;
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const kind: FrameKind = isBinary ? "binary" : "text";
    if (this.recordIncoming) this.events.push({ dir: "in", kind, ...describePayload(data, isBinary) });
    this.inbox.push({ kind, data });
    this.wakeFrameWaiter();
  }

  private waitForFrame(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.frameWaiter = null;
        resolve(false);
      }, ms);
      this.frameWaiter = () => {
        clearTimeout(timer);
        this.frameWaiter = null;
        resolve(true);
      };
    });
  }

  private wakeFrameWaiter(): void {
    this.frameWaiter?.();
  }
}

function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(", ") : v;
}
