// "Share": the code, example and test clients, deflated into the URL's hash, so a link opens the same state.
import type { Language } from "../../../server/playground/protocol.ts";
import type { ClientConfig } from "./store.ts";

export interface Shared {
  code: string;
  language: Language;
  example: string;
  clients: Array<Omit<ClientConfig, "id">>;
}

const PREFIX = "#s=";

function to_base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function from_base64url(text: string): Uint8Array {
  const plain = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(plain, (c) => c.charCodeAt(0));
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export async function share_url(shared: Shared): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, ...shared }));
  const packed = await pipe(json, new CompressionStream("deflate-raw"));
  return `${location.origin}${location.pathname}${PREFIX}${to_base64url(packed)}`;
}

/** The state a shared link carries, or null (no link, or one that does not decode). */
export async function read_shared(hash = location.hash): Promise<Shared | null> {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const json = await pipe(from_base64url(hash.slice(PREFIX.length)), new DecompressionStream("deflate-raw"));
    const data = JSON.parse(new TextDecoder().decode(json)) as Partial<Shared> & { v?: number };
    if (data.v !== 1 || typeof data.code !== "string") return null;
    return {
      code: data.code,
      language: data.language === "python" ? "python" : "typescript",
      example: typeof data.example === "string" ? data.example : "",
      clients: Array.isArray(data.clients) ? data.clients.filter((c) => typeof c?.path === "string").slice(0, 8) : [],
    };
  } catch {
    return null;
  }
}
