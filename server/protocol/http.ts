// HTTP requests as ASGI http scopes (Daphne's http_protocol.py): the whole body as one http.request,
// the response staged on http.response.start and written with the first body chunk.
import type { IncomingMessage, ServerResponse } from "node:http";
import { CancelledError, type ASGIApp, type ASGISendEvent } from "../channels/index.ts";
import { latin1_decode } from "../channels/util/bytes.ts";
import type { ServerContext } from "./context.ts";
import { HTTPProtocolError, log_app_error } from "./errors.ts";
import { ApplicationInstance } from "./instance.ts";
import { http_scope } from "./scope.ts";

const RESOLVED = Promise.resolve();

/** Daphne's error page, so an app error looks the same to a browser. */
export function error_page(status: number, title: string, body: string): string {
  return `<html><head><title>${status} ${title}</title><style>body { font-family: sans-serif; margin: 0; padding: 0; } ` +
    `h1 { padding: 0.6em 0 0.2em 20px; color: #896868; margin: 0; } p { padding: 0 0 0.3em 20px; margin: 0; } ` +
    `footer { padding: 1em 0 0.3em 20px; color: #999; font-size: 80%; font-style: italic; }</style></head>` +
    `<body><h1>${status} ${title}</h1><p>${body}</p><footer>channels-playground</footer></body></html>`;
}

function basic_error(res: ServerResponse, status: number, title: string, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, title, { "Content-Type": "text/html; charset=utf-8" }).end(error_page(status, title, body));
}

export function serve_http(ctx: ServerContext, app: ASGIApp, req: IncomingMessage, res: ServerResponse): void {
  let start: { status: number; headers: string[] } | null = null;
  const send = (message: ASGISendEvent): Promise<void> => {
    if (res.writableEnded || res.destroyed) return RESOLVED;
    if (message === null || typeof message !== "object" || !("type" in message)) {
      throw new HTTPProtocolError("Message has no type defined", "ASGI_NO_TYPE");
    }
    if (message.type === "http.response.start") {
      if (start !== null) throw new HTTPProtocolError("HTTP response has already been started", "HTTP_ALREADY_STARTED");
      if (typeof message.status !== "number") {
        throw new HTTPProtocolError("Specifying a status code is required for a Response message.", "HTTP_NO_STATUS");
      }
      const headers: string[] = [];
      for (const [name, value] of message.headers ?? []) {
        for (const [what, part] of [["name", name], ["value", value]] as const) {
          if (!(part instanceof Uint8Array)) {
            throw new HTTPProtocolError(`Header ${what} '${String(part)}' expected to be bytes (Uint8Array), but got ${typeof part}`, "HTTP_HEADER_NOT_BYTES");
          }
        }
        headers.push(latin1_decode(name), latin1_decode(value));
      }
      start = { status: message.status, headers };
    } else if (message.type === "http.response.body") {
      if (start === null) {
        throw new HTTPProtocolError(`HTTP response has not yet been started but got ${message.type}`, "HTTP_NOT_STARTED");
      }
      if (!res.headersSent) res.writeHead(start.status, start.headers);
      if (message.body !== undefined && message.body.length > 0) res.write(message.body);
      if (!message.more_body) res.end();
    } else {
      throw new HTTPProtocolError(`Cannot handle message type ${String((message as { type: unknown }).type)}!`, "ASGI_UNEXPECTED_TYPE");
    }
    return RESOLVED;
  };

  const owner = {
    app_ended(instance: ApplicationInstance, error: unknown): void {
      ctx.untrack(instance);
      if (error === undefined) {
        if (res.writableEnded) return;
        ctx.log.error(`Application for ${req.method} ${req.url} returned without completing its response`);
        if (start === null) basic_error(res, 500, "Internal Server Error", "Application returned without a response.");
        else res.end();
      } else if (!(error instanceof CancelledError && instance.killed)) {
        log_app_error(ctx, error);
        basic_error(res, 500, "Internal Server Error", "Exception inside application.");
      }
    },
  };
  const instance = new ApplicationInstance(app, http_scope(req), send, owner);
  ctx.track(instance);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > ctx.options.max_request_body) {
      req.removeAllListeners("data");
      basic_error(res, 413, "Payload Too Large", `The request body exceeds ${ctx.options.max_request_body} bytes.`);
      instance.kill();
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => instance.put({ type: "http.request", body: Buffer.concat(chunks), more_body: false }));
  res.on("close", () => {
    instance.put({ type: "http.disconnect" });
    ctx.client_left(instance, `${req.method} ${req.url}`);
  });
}
