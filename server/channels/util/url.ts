// Python's urllib.parse.unquote and the path/query split the testing helpers and the protocol server share.
import { utf8_decode } from "./bytes.ts";

/** Percent-decodes as UTF-8, replacing invalid sequences with U+FFFD (Python's unquote(errors="replace")). */
export function unquote(s: string): string {
  if (!s.includes("%")) return s;
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return utf8_decode(bytes);
  });
}

/** Splits "/a/b?x=1#f" into ["/a/b", "x=1"]. */
export function split_path(url: string): [string, string] {
  const no_fragment = url.split("#", 1)[0]!;
  const q = no_fragment.indexOf("?");
  return q === -1 ? [no_fragment, ""] : [no_fragment.slice(0, q), no_fragment.slice(q + 1)];
}
