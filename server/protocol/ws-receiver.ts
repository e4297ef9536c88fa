// One correction to ws's frame parser, applied once when the protocol server loads.
//
// RFC 6455 5.2: "the most significant bit MUST be 0" in a 64-bit payload length. ws reads any length over
// 2^53 - 1 as "too big" (1009); autobahn, and so Daphne, fails the connection as a protocol error (1002), which is
// what such a frame is. Legal lengths over max_message_size still close with 1009.
import * as ws from "ws";

interface ReceiverInternals {
  _bufferedBytes: number;
  _buffers: Buffer[];
  createError(ctor: ErrorConstructor, message: string, prefix: boolean, status: number, code: string): Error;
  getPayloadLength64(cb: (error?: Error) => void): void;
}

const receiver = (ws as unknown as { Receiver?: { prototype: ReceiverInternals } }).Receiver?.prototype;
// Fail loudly if a ws upgrade renames what this relies on, rather than silently lose the check.
if (receiver === undefined || typeof receiver.getPayloadLength64 !== "function" || typeof receiver.createError !== "function") {
  throw new Error("ws's Receiver no longer has getPayloadLength64/createError: review server/protocol/ws-receiver.ts");
}

const read_length64 = receiver.getPayloadLength64;
receiver.getPayloadLength64 = function (this: ReceiverInternals, cb: (error?: Error) => void): void {
  // Once 8 bytes are buffered ws consumes them; the length's first byte is the first buffered byte.
  if (this._bufferedBytes >= 8 && (this._buffers[0]![0]! & 0x80) !== 0) {
    cb(this.createError(RangeError, "the most significant bit of a 64-bit payload length must be 0", true, 1002, "WS_ERR_INVALID_PAYLOAD_LENGTH"));
    return;
  }
  read_length64.call(this, cb);
};
