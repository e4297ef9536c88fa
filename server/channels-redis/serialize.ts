// Messages as channels_redis stores them: 12 bytes that make each sorted-set member unique, then the message
// in msgpack (strings as str, bytes as bin: Python's `packb(message, use_bin_type=True)`).
import { Decoder, Encoder } from "@msgpack/msgpack";
import { randomBytes } from "node:crypto";

const PREFIX_BYTES = 12;
// Undefined is not a Python value: a key holding it is left out, as JSON.stringify leaves it out.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

/**
 * Uniqueness is all the prefix is for (Python draws 96 random bits per message): 8 random bytes per
 * process and a 4-byte counter give the same guarantee without a random draw per message.
 */
const prefix = randomBytes(PREFIX_BYTES);
let counter = 0;

export function serialize(message: Record<string, unknown>): Buffer {
  const body = encoder.encode(message);
  const member = Buffer.allocUnsafe(PREFIX_BYTES + body.length);
  prefix.copy(member, 0, 0, 8);
  counter = (counter + 1) >>> 0;
  member.writeUInt32BE(counter, 8);
  member.set(body, PREFIX_BYTES);
  return member;
}

/** Bytes come back as plain Uint8Arrays (a Buffer's subclass would leak Node's type into messages). */
export function deserialize(member: Uint8Array): unknown {
  return decoder.decode(new Uint8Array(member.buffer, member.byteOffset + PREFIX_BYTES, member.length - PREFIX_BYTES));
}
