// What the composer sends: text, pretty-printed JSON, or bytes written as hex or base64.

export type Format = "text" | "json" | "hex" | "base64";

/** Message text to a frame payload; throws with a message a person can act on. */
export function encode(format: Format, text: string): string | Uint8Array {
  switch (format) {
    case "text": return text;
    case "json": return JSON.stringify(JSON.parse(text), null, 2);
    case "hex": {
      const digits = text.replace(/0x/gi, "").replace(/[\s,:]/g, "");
      if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new Error("Hex needs pairs of hexadecimal digits, like 01 02 ff");
      return Uint8Array.from(digits.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
    }
    case "base64":
      try {
        return Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
      } catch {
        throw new Error("That is not valid base64");
      }
  }
}


export const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
