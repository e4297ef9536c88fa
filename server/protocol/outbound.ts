// Outbound flow control: what a connection does while its client reads slower than its app sends. Nothing
// here exists for a connection whose buffer stays under write_high_water_mark, so the common send path
// costs two length reads and no allocation.
import type { Duplex } from "node:stream";

/** The client is not reading: the connection closes with 1008 (policy violation). */
export class OutboundLimitError extends Error {
  readonly close_code = 1008;
  constructor(message: string, readonly code: "WS_WRITE_LIMIT" | "WS_WRITE_TIMEOUT") {
    super(message);
    this.name = "OutboundLimitError";
  }
}

export const write_limit_error = (limit: number, what: string) =>
  new OutboundLimitError(`the client is not reading ${what}: over ${limit} bytes wait to be sent (write_limit)`, "WS_WRITE_LIMIT");

export const write_timeout_error = (seconds: number) =>
  new OutboundLimitError(`the client read nothing for ${seconds} s while over write_high_water_mark (write_timeout)`, "WS_WRITE_TIMEOUT");

/** Bytes that left the process for the kernel: net.Socket counts queued bytes in bytesWritten too. */
function bytes_out(socket: Duplex): number {
  const s = socket as Duplex & { bytesWritten?: number };
  return (s.bytesWritten ?? 0) - s.writableLength;
}

function check_progress(congestion: Congestion): void { congestion.check(); }

/**
 * One stretch of time a connection's outbound buffer spends over write_high_water_mark: the app's sends wait on
 * `drained`, and a client that takes nothing off the buffer for a whole `timeout_ms` is reported stalled.
 */
export class Congestion {
  readonly drained: Promise<void>;
  private resolve!: () => void;
  private readonly timer: NodeJS.Timeout;
  private out: number;

  constructor(private readonly socket: Duplex, timeout_ms: number, private readonly stalled: () => void) {
    this.drained = new Promise<void>((resolve) => { this.resolve = resolve; });
    this.out = bytes_out(socket);
    this.timer = setTimeout(check_progress, timeout_ms, this);
  }

  /** A slow reader that is still reading keeps its connection; only one that took nothing is stalled. */
  check(): void {
    const out = bytes_out(this.socket);
    if (out > this.out) {
      this.out = out;
      this.timer.refresh();
    } else {
      this.stalled();
    }
  }

  /** The buffer drained, or the connection ended: waiting sends return. */
  end(): void {
    clearTimeout(this.timer);
    this.resolve();
  }
}
