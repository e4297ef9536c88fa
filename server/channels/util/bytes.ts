// UTF-8 and latin-1 conversions without TextEncoder/TextDecoder, which a bare isolate lacks.
import type { Bytes } from "../types.ts";

interface Codecs { TextEncoder?: new () => { encode(s: string): Uint8Array }; TextDecoder?: new () => { decode(b: Uint8Array): string } }
const host = globalThis as Codecs;
const encoder = host.TextEncoder ? new host.TextEncoder() : null;
const decoder = host.TextDecoder ? new host.TextDecoder() : null;

export function utf8_encode(s: string): Bytes {
  if (encoder) return encoder.encode(s);
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

export function utf8_decode(b: Bytes): string {
  if (decoder) return decoder.decode(b);
  let out = "";
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const need = c < 0x80 ? 0 : c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
    let cp = need === 0 ? c : need === 1 ? c & 31 : need === 2 ? c & 15 : c & 7;
    let ok = need >= 0;
    for (let k = 1; ok && k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (cc & 63);
    }
    if (!ok) { out += "\ufffd"; i += 1; continue; }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

export function latin1_encode(s: string): Bytes {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function latin1_decode(b: Bytes): string {
  let out = "";
  for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i]!);
  return out;
}

export function concat_bytes(chunks: readonly Bytes[]): Bytes {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) { out.set(c, offset); offset += c.length; }
  return out;
}

export function to_bytes(value: string | Bytes): Bytes {
  return typeof value === "string" ? utf8_encode(value) : value;
}
