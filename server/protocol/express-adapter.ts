// get_asgi_application(expressApp): an Express app serving the `http` scope, as Django's
// get_asgi_application() serves Django's views. A pure ASGI app: it works under any server and under
// HttpCommunicator, and middleware that wraps `send` (sessions) sees its response.
import { IncomingMessage, ServerResponse, type RequestListener } from "node:http";
import { Socket } from "node:net";
import { ValueError, type ASGIApp, type Bytes, type HTTPScope, type Receive, type Send } from "../channels/index.ts";
import { concat_bytes, latin1_decode, latin1_encode } from "../channels/util/bytes.ts";

async function read_body(receive: Receive): Promise<Bytes | null> {
  const chunks: Bytes[] = [];
  for (;;) {
    const event = await receive();
    if (event.type === "http.disconnect") return null;
    if (event.type !== "http.request") continue;
    if (event.body !== undefined) chunks.push(event.body);
    if (!event.more_body) return concat_bytes(chunks);
  }
}

function request_for(scope: HTTPScope, body: Bytes): IncomingMessage {
  const socket = new Socket();
  Object.defineProperties(socket, {
    remoteAddress: { value: scope.client?.[0] },
    remotePort: { value: scope.client?.[1] },
    localAddress: { value: scope.server?.[0] },
    localPort: { value: scope.server?.[1] ?? undefined },
  });
  const req = new IncomingMessage(socket);
  req.method = scope.method;
  const raw_path = scope.raw_path ? latin1_decode(scope.raw_path) : encodeURI(scope.path);
  const query = latin1_decode(scope.query_string);
  req.url = query ? `${raw_path}?${query}` : raw_path;
  req.httpVersion = scope.http_version;
  for (const [name, value] of scope.headers) {
    const key = latin1_decode(name);
    const text = latin1_decode(value);
    req.rawHeaders.push(key, text);
    const existing = req.headers[key];
    req.headers[key] = existing === undefined ? text : `${String(existing)}, ${text}`;
  }
  req.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  req.push(null);
  return req;
}

/**
 * Runs `app` (an Express app or any Node request listener) for one ASGI http connection. Its response is
 * captured from the ServerResponse and sent as http.response.start and http.response.body messages.
 */
export function get_asgi_application(app: RequestListener): ASGIApp {
  return async (scope, receive, send: Send) => {
    if (scope.type !== "http") throw new ValueError(`Django can only handle ASGI/HTTP connections, not ${scope.type}.`);
    const body = await read_body(receive);
    if (body === null) return;
    const req = request_for(scope, body);
    const res = new ServerResponse(req);
    let started = false;
    let pending: Promise<void> = Promise.resolve();
    const emit = (message: Parameters<Send>[0]) => (pending = pending.then(() => send(message)));
    const start = () => {
      if (started) return;
      started = true;
      const headers: Array<[Bytes, Bytes]> = [];
      for (const [name, value] of Object.entries(res.getHeaders())) {
        for (const v of Array.isArray(value) ? value : [value]) headers.push([latin1_encode(name), latin1_encode(String(v))]);
      }
      emit({ type: "http.response.start", status: res.statusCode, headers });
    };
    const to_bytes = (chunk: unknown, encoding?: unknown): Bytes =>
      typeof chunk === "string" ? Buffer.from(chunk, (typeof encoding === "string" ? encoding : "utf8") as BufferEncoding) : (chunk as Bytes);

    const finished = new Promise<void>((resolve) => {
      Object.defineProperty(res, "headersSent", { get: () => started });
      res.writeHead = ((status: number, ...rest: unknown[]) => {
        res.statusCode = status;
        const headers = rest.find((r) => r !== null && typeof r === "object") as Record<string, string> | undefined;
        for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
        start();
        return res;
      }) as ServerResponse["writeHead"];
      res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
        start();
        emit({ type: "http.response.body", body: to_bytes(chunk, encoding), more_body: true });
        const cb = [encoding, callback].find((f) => typeof f === "function") as (() => void) | undefined;
        cb?.();
        return true;
      }) as ServerResponse["write"];
      res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
        start();
        const data = chunk === undefined || typeof chunk === "function" ? new Uint8Array() : to_bytes(chunk, encoding);
        emit({ type: "http.response.body", body: data, more_body: false });
        Object.defineProperty(res, "writableEnded", { value: true });
        resolve();
        res.emit("finish");
        const cb = [chunk, encoding, callback].find((f) => typeof f === "function") as (() => void) | undefined;
        cb?.();
        return res;
      }) as ServerResponse["end"];
    });
    app(req, res);
    await finished;
    await pending;
  };
}
