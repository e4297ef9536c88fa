// A websocket client on a bare TCP socket (node:net), for tests that need bytes no well-behaved client sends:
// frames in the upgrade's packet, ping floods, bad length fields, a client that never reads.
import { connect, type Socket } from "node:net";
import { upgrade_request } from "./test-support.ts";

export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** One client frame, masked as RFC 6455 5.3 requires (with a zero mask, so the payload reads as sent). */
export function client_frame(opcode: number, payload: string | Buffer = Buffer.alloc(0), fin = true): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const n = body.length;
  const length = n < 126 ? Buffer.from([0x80 | n]) : n < 65536 ? Buffer.from([0x80 | 126, n >> 8, n & 255]) : long_length(n);
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode]), length, Buffer.alloc(4), body]);
}

function long_length(n: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = 0x80 | 127;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

/** A close frame's payload: the code and the reason, for the caller that inspects it. */
export function close_code(payload: Buffer): number | null {
  return payload.length >= 2 ? payload.readUInt16BE(0) : null;
}

export interface Frame { opcode: number; payload: Buffer }

export class RawClient {
  readonly socket: Socket;
  /** The HTTP status line of the handshake answer, once it came. */
  status: string | null = null;
  readonly frames: Frame[] = [];
  ended = false;
  private data: Buffer = Buffer.alloc(0);

  /** Connects and writes the upgrade request for `path` followed, in the same write, by `after`. */
  constructor(port: number, path: string, after: Buffer = Buffer.alloc(0), request = upgrade_request(path)) {
    this.socket = connect(port, "127.0.0.1");
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.socket.on("error", () => {});
    this.socket.on("close", () => { this.ended = true; });
    this.socket.write(Buffer.concat([Buffer.from(request, "latin1"), after]));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  texts(): string[] {
    return this.frames.filter((f) => f.opcode === OP.text).map((f) => f.payload.toString());
  }

  close_frame(): Frame | undefined {
    return this.frames.find((f) => f.opcode === OP.close);
  }

  private read(chunk: Buffer): void {
    this.data = this.data.length === 0 ? chunk : Buffer.concat([this.data, chunk]);
    if (this.status === null) {
      const end = this.data.indexOf("\r\n\r\n");
      if (end === -1) return;
      this.status = this.data.subarray(0, this.data.indexOf("\r\n")).toString("latin1");
      this.data = this.data.subarray(end + 4);
    }
    for (;;) {
      const frame = this.next_frame();
      if (frame === null) return;
      this.frames.push(frame);
    }
  }

  /** Server frames are unmasked; a frame longer than 2^32 never comes from a server under test. */
  private next_frame(): Frame | null {
    const d = this.data;
    if (d.length < 2) return null;
    let length = d[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (d.length < 4) return null;
      length = d.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (d.length < 10) return null;
      length = Number(d.readBigUInt64BE(2));
      offset = 10;
    }
    if (d.length < offset + length) return null;
    this.data = d.subarray(offset + length);
    return { opcode: d[0]! & 0x0f, payload: d.subarray(offset, offset + length) };
  }
}
