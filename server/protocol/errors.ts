// Errors of the protocol server: a human message, a machine code and what the client is answered.

/** A malformed upgrade request, refused before any application sees it. */
export class HandshakeError extends Error {
  constructor(message: string, readonly status: 400 | 426, readonly code: string) {
    super(message);
    this.name = "HandshakeError";
  }
}

/** An application sent an HTTP message the server cannot use. */
export class HTTPProtocolError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "ValueError";
  }
}
