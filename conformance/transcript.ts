// What a client sees on the wire, in a shape that is stable across servers: exact where the protocol is
// deterministic, coarse (time buckets, hashes) where it is not, so transcripts from Daphne and from the
// TypeScript server can be compared with a plain deep-equal.

import { createHash } from "node:crypto";

// Coarse on purpose: Daphne reaps crashed apps on a 1 s tick and aborts silent handshakes at 5 s, and those
// are the only timings worth comparing.
export type TimeBucket = "<1.5s" | "1.5-3.5s" | "≈5s" | ">7s";

export function bucket(ms: number): TimeBucket {
  if (ms < 1500) return "<1.5s";
  if (ms < 3500) return "1.5-3.5s";
  if (ms < 7000) return "≈5s";
  return ">7s";
}

// Short payloads are kept verbatim; long ones are reduced to a length and a hash so the JSON stays readable.
export type Payload = { data: string } | { hex: string } | { bytes: number; sha256: string };

const MAX_TEXT = 200;
const MAX_HEX_BYTES = 64;

export function sha256(buf: Uint8Array): string {
  return createHash("sha256").update(buf).digest("hex");
}

export function describePayload(buf: Uint8Array, binary: boolean): Payload {
  if (binary && buf.length <= MAX_HEX_BYTES) return { hex: Buffer.from(buf).toString("hex") };
  if (!binary) {
    const text = Buffer.from(buf).toString("utf8");
    if (text.length <= MAX_TEXT) return { data: text };
  }
  return { bytes: buf.length, sha256: sha256(buf) };
}

export type Handshake =
  | { outcome: "open"; status: 101; protocol: string | null; after: TimeBucket }
  // A non-101 answer: status line and header names (values vary by server, e.g. Date), body size.
  | { outcome: "http"; status: number; statusText: string; headerNames: string[]; bodyBytes: number; after: TimeBucket }
  // No usable answer: reset, hang-up, or the client itself refusing a 101 (e.g. "Server sent no subprotocol").
  | { outcome: "failed"; error: string; upgraded: boolean; protocolHeader: string | null; after: TimeBucket };

export type FrameKind = "text" | "binary";

export type WireEvent =
  | ({ dir: "out"; kind: FrameKind } & Payload)
  | { dir: "out"; kind: "close"; code: number | null }
  | { dir: "out"; kind: "burst"; frames: number; note: string }
  | ({ dir: "in"; kind: FrameKind } & Payload)
  // An awaited frame did not arrive within waitedMs (the silence is part of the behaviour).
  | { dir: "in"; kind: "nothing"; waitedMs: number }
  | { dir: "in"; kind: "burst-reply"; frames: number; inOrder: boolean; kinds: FrameKind[]; sha256: string }
  | { dir: "in"; kind: "error"; message: string };

export interface CloseOutcome {
  code: number;
  reason: string;
  // "dropped": the TCP connection ended without a close frame (ws reports 1006).
  // "still-open": the scenario ended with the socket open and the runner terminated it.
  initiator: "client" | "server" | "dropped" | "still-open";
  // Measured from the client's last action (send, close or open).
  after: TimeBucket | null;
}

export interface ClientTranscript {
  kind: "ws";
  path: string;
  offered: string[];
  handshake: Handshake;
  events: WireEvent[];
  close: CloseOutcome | null; // null when the handshake never opened
}

export interface HttpTranscript {
  kind: "http";
  path: string;
  status: number;
}

export interface RunnerError {
  kind: "runner-error";
  message: string;
}

// Keyed by client label ("client", or "alice"/"bob"/"carol" for multi-client scenarios).
export type Transcript = Record<string, ClientTranscript | HttpTranscript | RunnerError>;
