// ProtocolTypeRouter, URLRouter and ChannelNameRouter (channels/routing.py).
import { ASGIObject, pythonic } from "./asgi-object.ts";
import { ImproperlyConfigured, Resolver404, ValueError } from "./exceptions.ts";
import type { ASGIApp, Receive, Scope, Send } from "./types.ts";
import { check_app, URLPattern } from "./urls.ts";
import { py_repr } from "./util/repr.ts";

/** Dispatches on `scope.type`: `ProtocolTypeRouter({ http: ..., websocket: ... })`. */
export const ProtocolTypeRouter = pythonic(
  class ProtocolTypeRouter extends ASGIObject {
    readonly application_mapping: Readonly<Record<string, ASGIApp>>;

    constructor(application_mapping: Record<string, ASGIApp>) {
      super();
      for (const [type, app] of Object.entries(application_mapping)) check_app(app, `ProtocolTypeRouter key ${py_repr(type)}`);
      this.application_mapping = application_mapping;
    }

    override async __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      const app = Object.hasOwn(this.application_mapping, scope.type) ? this.application_mapping[scope.type] : undefined;
      if (app === undefined) throw new ValueError(`No application configured for scope type ${py_repr(scope.type)}`);
      return app(scope, receive, send);
    }
  },
);
export type ProtocolTypeRouter = InstanceType<typeof ProtocolTypeRouter>;

/**
 * Routes on the path: the leading slash is stripped, routes are tried in order and the first match wins;
 * `scope.url_route = { args, kwargs }` accumulates through nested routers.
 */
export const URLRouter = pythonic(
  class URLRouter extends ASGIObject {
    /** A nested URLRouter's route only has to match a prefix of the path. */
    readonly _path_routing = true;
    readonly routes: readonly URLPattern[];

    constructor(routes: URLPattern[]) {
      super();
      for (const route of routes) {
        if (!(route instanceof URLPattern)) {
          throw new ImproperlyConfigured(`${String(route)}: URLRouter takes path() and re_path() routes only.`);
        }
        if ((route.callback as { _path_routing?: unknown })._path_routing === true) route.pattern.is_endpoint = false;
      }
      this.routes = routes;
    }

    override async __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      const raw = "path_remaining" in scope ? scope.path_remaining : scope.path;
      if (typeof raw !== "string") throw new ValueError("No 'path' key in connection scope, cannot route URLs");
      const path = raw.replace(/^\/+/, "");
      for (const route of this.routes) {
        try {
          const match = route.pattern.match(path);
          if (match === null) continue;
          const [path_remaining, args, kwargs] = match;
          Object.assign(kwargs, route.default_args);
          const outer = (scope.url_route ?? { args: [], kwargs: {} }) as { args: unknown[]; kwargs: Record<string, unknown> };
          const url_route = { args: [...outer.args, ...args], kwargs: { ...outer.kwargs, ...kwargs } };
          return await route.callback({ ...scope, path_remaining, url_route } as Scope, receive, send);
        } catch (error) {
          // An inner router's miss lets this router try its next route, as in Channels.
          if (!(error instanceof Resolver404)) throw error;
        }
      }
      if ("path_remaining" in scope) throw new Resolver404(`No route found for path ${py_repr(path)}.`);
      throw new ValueError(`No route found for path ${py_repr(path)}.`);
    }
  },
);
export type URLRouter = InstanceType<typeof URLRouter>;

/** Routes `channel` scopes (worker mode) on `scope.channel`. */
export const ChannelNameRouter = pythonic(
  class ChannelNameRouter extends ASGIObject {
    readonly application_mapping: Readonly<Record<string, ASGIApp>>;

    constructor(application_mapping: Record<string, ASGIApp>) {
      super();
      for (const [name, app] of Object.entries(application_mapping)) check_app(app, `ChannelNameRouter key ${py_repr(name)}`);
      this.application_mapping = application_mapping;
    }

    override async __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      if (!("channel" in scope)) {
        throw new ValueError(
          "ChannelNameRouter got a scope without a 'channel' key. " +
            "Did you make sure it's only being used for 'channel' type messages?",
        );
      }
      const channel = String(scope.channel);
      const app = Object.hasOwn(this.application_mapping, channel) ? this.application_mapping[channel] : undefined;
      if (app === undefined) throw new ValueError(`No application configured for channel name ${py_repr(channel)}`);
      return app(scope, receive, send);
    }
  },
);
export type ChannelNameRouter = InstanceType<typeof ChannelNameRouter>;
