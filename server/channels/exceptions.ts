// Channels' exceptions (channels/exceptions.py) plus the Python built-ins its messages are raised as, so an
// error reads the same in both: `ValueError: No route found for path 'ws/nope/'.`

class NamedError extends Error {
  /** A machine code for what happened (NO_HANDLER, NO_ROUTE, ...), where one is known: tools read it, not the text. */
  declare readonly code?: string;

  constructor(message?: string, code?: string) {
    super(message);
    this.name = new.target.name;
    // Not enumerable, as a Python exception's attributes are not its args: equal errors still compare equal.
    if (code !== undefined) Object.defineProperty(this, "code", { value: code, enumerable: false });
  }
}

/**
 * Exceptions used for control flow (a consumer stopping, a wait cancelled): raised on every connection's
 * end, so they skip the stack trace, which costs more than the rest of the teardown and is never read.
 */
class Signal extends NamedError {
  constructor(message?: string) {
    const host = Error as { stackTraceLimit?: number };
    const limit = host.stackTraceLimit;
    host.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      host.stackTraceLimit = limit;
    }
  }
}

export class ValueError extends NamedError {}
export class AssertionError extends NamedError {}
export class NotImplementedError extends NamedError {}
/** Raised by the testing helpers where asyncio would raise asyncio.TimeoutError. */
export class TimeoutError extends NamedError {}
/** Raised into an application instance that the testing helpers stopped (asyncio.CancelledError). */
export class CancelledError extends Signal {}

/** Raised when a consumer wants to stop and close down its application instance. */
export class StopConsumer extends Signal {}
/** Raised inside `connect()` to accept the connection. */
export class AcceptConnection extends Signal {}
/** Raised inside `connect()` to deny the connection. */
export class DenyConnection extends Signal {}
/** Raised when a channel cannot be sent to as it is over capacity. */
export class ChannelFull extends NamedError {}
/** Raised when a message cannot be sent as it is too big. */
export class MessageTooLarge extends NamedError {}
/** Raised when a channel layer is configured incorrectly. */
export class InvalidChannelLayerError extends ValueError {}
/** Raised when a router configuration is invalid (Django's ImproperlyConfigured). */
export class ImproperlyConfigured extends NamedError {}
/** An inner URLRouter found no route; the outermost one turns this into ValueError. */
export class Resolver404 extends NamedError {}
export class RequestAborted extends NamedError {}
export class RequestTimeout extends RequestAborted {}
export class RuntimeError extends NamedError {}
