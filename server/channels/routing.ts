// ProtocolTypeRouter, URLRouter and ChannelNameRouter (channels/routing.py).
import { ASGIObject, pythonic } from "./asgi-object.ts";
import { ImproperlyConfigured, Resolver404, ValueError } from "./exceptions.ts";
import type { ASGIApp, Receive, Scope, Send } from "./types.ts";
import { copy_scope } from "./scope-copy.ts";
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

    override __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      const app = Object.hasOwn(this.application_mapping, scope.type) ? this.application_mapping[scope.type] : undefined;
      if (app === undefined) return Promise.reject(new ValueError(`No application configured for scope type ${py_repr(scope.type)}`));
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

    override __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      const raw = "path_remaining" in scope ? scope.path_remaining : scope.path;
      if (typeof raw !== "string") return Promise.reject(new ValueError("No 'path' key in connection scope, cannot route URLs"));
      return this.route_from(0, raw.replace(/^\/+/, ""), scope, receive, send);
    }

    /** Tries the routes from `first` on; the app's promise is returned, not awaited (see Consumer.__call__). */
    private route_from(first: number, path: string, scope: Scope, receive: Receive, send: Send): Promise<void> {
      for (let i = first; i < this.routes.length; i++) {
        const route = this.routes[i]!;
        const match = route.pattern.match(path);
        if (match === null) continue;
        const [path_remaining, args, kwargs] = match;
        Object.assign(kwargs, route.default_args);
        const outer = (scope.url_route ?? { args: [], kwargs: {} }) as { args: unknown[]; kwargs: Record<string, unknown> };
        const url_route = { args: [...outer.args, ...args], kwargs: { ...outer.kwargs, ...kwargs } };
        let running: Promise<void>;
        try {
          running = route.callback(copy_scope(scope, { path_remaining, url_route }), receive, send);
        } catch (error) {
          running = Promise.reject(error);
        }
        // An inner router's miss lets this router try its next route, as in Channels.
        if (!route.routes_further) return running;
        return running.catch((error: unknown) => {
          if (error instanceof Resolver404) return this.route_from(i + 1, path, scope, receive, send);
          throw error;
        });
      }
      const text = `No route found for path ${py_repr(path)}.`;
      return Promise.reject("path_remaining" in scope ? new Resolver404(text, "NO_ROUTE") : new ValueError(text, "NO_ROUTE"));
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

    override __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      if (!("channel" in scope)) {
        return Promise.reject(new ValueError(
          "ChannelNameRouter got a scope without a 'channel' key. " +
            "Did you make sure it's only being used for 'channel' type messages?",
        ));
      }
      const channel = String(scope.channel);
      const app = Object.hasOwn(this.application_mapping, channel) ? this.application_mapping[channel] : undefined;
      if (app === undefined) return Promise.reject(new ValueError(`No application configured for channel name ${py_repr(channel)}`));
      return app(scope, receive, send);
    }
  },
);
export type ChannelNameRouter = InstanceType<typeof ChannelNameRouter>;
