// The playground's routes: a session API over HTTP, the control socket, and the test clients' sockets.
// Both the API and the control socket accept only the playground's own origins.
import type { Express, Request, Response } from "express";
import { OriginValidator, URLRouter, path, re_path, type ASGIApp } from "../channels/index.ts";
import { parse_origin } from "../channels/middleware/origin.ts";
import { control_consumer, same_secret } from "./control.ts";
import { no_session } from "./play-connection.ts";
import { PlaygroundFull, SessionManager, type PlaygroundOptions } from "./sessions.ts";

export interface Playground {
  manager: SessionManager;
  /** Websocket routes, for the server's URLRouter. */
  routes: ReturnType<typeof path>[];
  /** Origins allowed to use the API and the control socket (filled in once the server knows its port). */
  origins: string[];
  install(web: Express): void;
  close(): void;
}

export function create_playground(options: PlaygroundOptions): Playground {
  const manager = new SessionManager(options);
  const origins: string[] = [];
  const proxy: ASGIApp = (scope, receive, send) => {
    const id = String(scope.url_route?.kwargs.session);
    const session = manager.get(id);
    return session ? session.serve(scope, receive, send) : Promise.reject(no_session(id));
  };
  const Control = control_consumer(manager);
  const validator = OriginValidator(Control.as_asgi(), origins);

  // Browsers send Origin with every POST: the playground's own pages pass, other sites' pages and requests
  // without one do not. Scripts use the configured token instead.
  const may_create = (req: Request) => {
    const origin = req.headers.origin;
    if (origin !== undefined && validator.valid_origin(parse_origin(origin))) return true;
    const auth = req.headers.authorization;
    return options.api_token !== undefined && auth !== undefined && same_secret(auth, `Bearer ${options.api_token}`);
  };

  return {
    manager,
    origins,
    routes: [
      path("api/sessions/<str:session>/control/", validator),
      re_path(String.raw`^ws/play/(?P<session>[A-Za-z0-9_-]{10,64})/`, proxy),
    ],
    install(web: Express) {
      web.post("/api/sessions", async (req: Request, res: Response) => {
        if (!may_create(req)) {
          return void res.status(403).json({ error: "Sessions are created from the playground's own pages (or with the API token: Authorization: Bearer ...)", code: "ORIGIN_REQUIRED" });
        }
        try {
          const session = await manager.create();
          res.status(201).json({ session: session.id, token: session.token, ws_path: `/ws/play/${session.id}/`, control_path: `/api/sessions/${session.id}/control/` });
        } catch (error) {
          if (error instanceof PlaygroundFull) return void res.status(503).json({ error: error.message });
          throw error;
        }
      });
    },
    close: () => manager.close(),
  };
}
