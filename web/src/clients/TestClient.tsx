// One test client: a real websocket to the session, with its settings, a composer and the frames it saw.
import { useEffect, useRef, useState } from "react";
import { close_meaning } from "../log/describe.ts";
import { encode, hex, type Format } from "./encode.ts";
import type { ClientConfig } from "../state/store.ts";

interface Frame {
  dir: "in" | "out";
  at: number;
  kind: "text" | "binary" | "event";
  text: string;
}

type Status =
  | { state: "idle" }
  | { state: "connecting" }
  | { state: "open"; protocol: string }
  | { state: "closing" }
  | { state: "closed"; code: number; reason: string; clean: boolean };


interface Props {
  config: ClientConfig;
  url(config: ClientConfig): string;
  onChange(config: ClientConfig): void;
  onRemove(): void;
}

export function TestClient({ config, url, onChange, onRemove }: Props) {
  const [status, setStatus] = useState<Status>({ state: "idle" });
  const [frames, setFrames] = useState<Frame[]>([]);
  const [format, setFormat] = useState<Format>("text");
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string | null>(null);
  const history = useRef<string[]>([]);
  const history_at = useRef(-1);
  const ws = useRef<WebSocket | null>(null);
  const started = useRef(performance.now());
  const frames_end = useRef<HTMLOListElement | null>(null);

  const add = (frame: Omit<Frame, "at">) => setFrames((f) => [...f.slice(-199), { ...frame, at: performance.now() - started.current }]);

  useEffect(() => () => ws.current?.close(1000), []);
  useEffect(() => {
    frames_end.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [frames]);

  const connect = () => {
    setError(null);
    const protocols = config.subprotocols.split(",").map((p) => p.trim()).filter(Boolean);
    let socket: WebSocket;
    try {
      socket = new WebSocket(url(config), protocols);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    socket.binaryType = "arraybuffer";
    ws.current = socket;
    setStatus({ state: "connecting" });
    add({ dir: "out", kind: "event", text: `connect ${config.path}${protocols.length ? ` (offering ${protocols.join(", ")})` : ""}` });
    socket.onopen = () => {
      setStatus({ state: "open", protocol: socket.protocol });
      add({ dir: "in", kind: "event", text: `open${socket.protocol ? ` with subprotocol ${socket.protocol}` : ""}` });
    };
    socket.onmessage = (event) => {
      if (typeof event.data === "string") add({ dir: "in", kind: "text", text: event.data });
      else add({ dir: "in", kind: "binary", text: hex(new Uint8Array(event.data as ArrayBuffer)) });
    };
    socket.onclose = (event) => {
      if (ws.current !== socket) return;
      ws.current = null;
      setStatus({ state: "closed", code: event.code, reason: event.reason, clean: event.wasClean });
      add({ dir: "in", kind: "event", text: `closed ${event.code}${event.reason ? ` "${event.reason}"` : ""} (${close_meaning(event.code)})` });
    };
  };

  const disconnect = () => {
    if (ws.current === null) return;
    setStatus({ state: "closing" });
    ws.current.close(1000);
  };

  const send = () => {
    if (ws.current?.readyState !== WebSocket.OPEN) return setError("Connect first");
    let payload: string | Uint8Array;
    try {
      payload = encode(format, message);
    } catch (e) {
      return setError(format === "json" ? `Invalid JSON: ${(e as Error).message}` : (e as Error).message);
    }
    setError(null);
    if (format === "json") setMessage(payload as string);
    ws.current.send(payload as string | ArrayBuffer);
    add(typeof payload === "string" ? { dir: "out", kind: "text", text: payload } : { dir: "out", kind: "binary", text: hex(payload) });
    history.current = [message, ...history.current.filter((m) => m !== message)].slice(0, 50);
    history_at.current = -1;
  };

  const recall = (step: 1 | -1) => {
    const next = history_at.current + step;
    if (next < -1 || next >= history.current.length) return;
    history_at.current = next;
    setMessage(next === -1 ? "" : history.current[next]!);
  };

  const open = status.state === "open";
  const busy = status.state === "connecting" || status.state === "closing";
  const badge = status.state === "closed" ? `closed ${status.code}` : status.state;
  const field = (name: keyof ClientConfig, label: string, placeholder: string) => (
    <label className="field">
      <span>{label}</span>
      <input aria-label={label} value={config[name]} placeholder={placeholder} onChange={(e) => onChange({ ...config, [name]: e.target.value })} />
    </label>
  );

  return (
    <section className="client" aria-label={`Client ${config.label}`}>
      <header className="client-head">
        <input className="client-label" aria-label="Label" value={config.label} onChange={(e) => onChange({ ...config, label: e.target.value })} />
        <span className={`badge badge-${status.state}`} role="status" title={status.state === "closed" ? close_meaning(status.code) : undefined}>{badge}</span>
        <button type="button" className="icon" aria-label={`Remove client ${config.label}`} onClick={onRemove}>×</button>
      </header>
      {status.state === "closed" && <p className="close-note">{status.code}: {close_meaning(status.code)}{status.reason ? ` (“${status.reason}”)` : ""}</p>}
      <div className="client-fields">
        {field("path", "Path", "/")}
        {field("query", "Query", "e.g. room=lobby")}
        {field("subprotocols", "Subprotocols", "e.g. chat.v2")}
      </div>
      <div className="client-actions">
        <button type="button" onClick={connect} disabled={open || busy}>Connect</button>
        <button type="button" onClick={disconnect} disabled={!open}>Disconnect</button>
      </div>
      <div className="composer">
        <select aria-label="Format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
          <option value="text">Text</option>
          <option value="json">JSON</option>
          <option value="hex">Binary (hex)</option>
          <option value="base64">Binary (base64)</option>
        </select>
        <textarea
          aria-label="Message" rows={2} value={message} placeholder={format === "json" ? '{"text": "hi"}' : format === "hex" ? "01 02 ff" : "hello"}
          onChange={(e) => setMessage(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              send();
            } else if (e.key === "ArrowUp" && (e.currentTarget.selectionStart === 0 || message === "")) {
              e.preventDefault();
              recall(1);
            } else if (e.key === "ArrowDown" && e.currentTarget.selectionEnd === message.length) {
              e.preventDefault();
              recall(-1);
            }
          }}
        />
        <button type="button" onClick={send} disabled={!open}>Send</button>
      </div>
      {error && <p className="error-text" role="alert">{error}</p>}
      <ol className="frames" aria-label={`Frames of ${config.label}`} ref={frames_end}>
        {frames.map((frame, i) => (
          <li key={i} className={`frame frame-${frame.dir} frame-${frame.kind}`}>
            <span className="frame-dir" aria-label={frame.dir === "in" ? "received" : "sent"}>{frame.dir === "in" ? "↓" : "↑"}</span>
            <time>{(frame.at / 1000).toFixed(3)}s</time>
            <span className="frame-text">{frame.kind === "binary" ? `[bytes] ${frame.text}` : frame.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
