// The public surface of the channels core: Django Channels' programming model, runtime-neutral.
export type * from "./types.ts";
export * from "./exceptions.ts";
export { configure, reset_settings, settings, type ChannelLayerSettings, type Settings } from "./conf.ts";
export { ASGIObject } from "./asgi-object.ts";
export {
  Consumer, AsyncConsumer, SyncConsumer, get_handler_name, is_consumer_class,
  type ConsumerApp, type ConsumerClass, type ConsumerMessage, type InitKwargs,
} from "./consumer.ts";
export { ProtocolTypeRouter, URLRouter, ChannelNameRouter } from "./routing.ts";
export { path, re_path, register_converter, URLPattern, RoutePattern, RegexPattern, type Converter, type Pattern } from "./urls.ts";
export { WebsocketConsumer, JsonWebsocketConsumer } from "./generic/websocket.ts";
export { AsyncWebsocketConsumer, AsyncJsonWebsocketConsumer } from "./generic/async-websocket.ts";
export type { AcceptOptions, CloseArg, CloseOptions, SendOptions } from "./generic/args.ts";
export { AsyncHttpConsumer } from "./generic/http.ts";
export {
  WebSocketProtocolError, WebSocketState, valid_close_code, valid_server_close_code, type WebSocketAction, type WebSocketPhase,
} from "./websocket-state.ts";
export {
  BaseChannelLayer, assert_message, valid_channel_name, valid_group_name, type BaseLayerConfig, type ChannelLayer, type ChannelLayerClass,
} from "./layers/base.ts";
export { InMemoryChannelLayer, type InMemoryLayerConfig } from "./layers/in-memory.ts";
export { ChannelLayerManager, DEFAULT_CHANNEL_LAYER, channel_layers, get_channel_layer, register_layer_backend } from "./layers/manager.ts";
export { async_to_sync, sync_to_async, database_sync_to_async } from "./sync.ts";
export { await_many_dispatch, Cancellation, type Cancellable, type CancelSignal } from "./utils.ts";
export { BaseMiddleware } from "./middleware/base.ts";
export { OriginValidator, AllowedHostsOriginValidator, WebsocketDenier } from "./middleware/origin.ts";
export { CookieMiddleware, parse_cookie, type CookieOptions } from "./middleware/cookies.ts";
export {
  SessionMiddleware, SessionMiddlewareStack, Session, InMemorySessionStore, type SessionData, type SessionStore,
} from "./middleware/sessions.ts";
export {
  AuthMiddleware, AuthMiddlewareStack, AnonymousUser, get_user, login, logout, type User, type UserResolver,
} from "./middleware/auth.ts";
export { ApplicationCommunicator } from "./testing/application.ts";
export { WebsocketCommunicator, type WebsocketCommunicatorOptions } from "./testing/websocket.ts";
export { HttpCommunicator, type HttpResponse } from "./testing/http.ts";
export { dumps as json_dumps, loads as json_loads } from "./util/json.ts";
