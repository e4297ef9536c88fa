// Errors of the protocol server: a human message, a machine code and what the client is answered.

/** A malformed upgrade request, refused before any application sees it. */
export class HandshakeError extends Error {
  constructor(message: string, readonly status: 400 | 426, readonly code: string) {
    super(message);
    this.name = "HandshakeError";
  }
}

/** A ProtocolServer option that cannot work. */
export class OptionError extends RangeError {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "OptionError";
  }
}

/** An application sent an HTTP message the server cannot use. */
export class HTTPProtocolError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "ValueError";
  }
}

/**
 * Daphne's "Exception inside application" log line. An error marked `reported` (a playground learner's,
 * already in their session's log) is logged at info, so the server's own log keeps to its own problems.
 */
export function log_app_error(ctx: { log: { error(m: string, e?: unknown): void; info(m: string): void } }, error: unknown): void {
  const text = `Exception inside application: ${error instanceof Error ? error.message : String(error)}`;
  if ((error as { reported?: boolean } | null)?.reported === true) ctx.log.info(text);
  else ctx.log.error(text, error);
}
