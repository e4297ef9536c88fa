// AsyncConsumer and SyncConsumer (channels/consumer.py): one instance per connection, every event
// dispatched to the method its `type` names, one at a time and in order.
import { StopConsumer, ValueError } from "./exceptions.ts";
import type { ChannelLayer } from "./layers/base.ts";
import { DEFAULT_CHANNEL_LAYER, get_channel_layer } from "./layers/manager.ts";
import { SyncContext } from "./sync.ts";
import type { ASGIApp, ASGIReceiveEvent, ASGISendEvent, ChannelMessage, Receive, Scope, Send } from "./types.ts";
import { await_many_dispatch, Cancellation } from "./utils.ts";

/** What a handler receives: an ASGI event from the client, or a message from the channel layer. */
export type ConsumerMessage = ASGIReceiveEvent | ChannelMessage;
type Handler = (this: Consumer, message: ConsumerMessage) => unknown;

/** `chat.message` -> `chat_message`, with Channels' checks and errors. */
export function get_handler_name(message: unknown): string {
  if (message === null || typeof message !== "object" || !("type" in message)) {
    throw new ValueError("Incoming message has no 'type' attribute");
  }
  if (typeof message.type !== "string") throw new TypeError(`Message type must be a string, not ${typeof message.type}`);
  const handler_name = message.type.replaceAll(".", "_");
  if (handler_name.startsWith("_")) throw new ValueError("Malformed type in message (leading underscore)");
  return handler_name;
}

function find_handler(consumer: Consumer, message: ConsumerMessage): [string, Handler] {
  const name = get_handler_name(message);
  const handler = (consumer as unknown as Record<string, unknown>)[name];
  // Object.prototype's members (toString, constructor, ...) are not handlers; Python objects have no such names.
  if (typeof handler !== "function" || handler === (Object.prototype as Record<string, unknown>)[name]) {
    throw new ValueError(`No handler for message type ${message.type}`, "NO_HANDLER");
  }
  return [name, handler as Handler];
}

export type InitKwargs = Record<string, unknown>;
export interface ConsumerClass {
  new (initkwargs?: InitKwargs): Consumer;
  readonly name: string;
  as_asgi(initkwargs?: InitKwargs): ConsumerApp;
}
/** The ASGI application `as_asgi()` returns: a fresh consumer instance per connection. */
export interface ConsumerApp extends ASGIApp {
  consumer_class: ConsumerClass;
  consumer_initkwargs: InitKwargs;
}

/**
 * What every consumer shares. Channels' generic consumers replace `send(message)` with other signatures
 * (sync, or `send(text_data, bytes_data, close)`), so `send` is declared by each subclass, not here.
 */
export abstract class Consumer {
  channel_layer_alias: string = DEFAULT_CHANNEL_LAYER;
  declare scope: Scope;
  /** The configured channel layer, or null when CHANNEL_LAYERS has none (then there is no channel_name). */
  channel_layer: ChannelLayer | null = null;
  declare channel_name: string;
  declare channel_receive: () => Promise<ChannelMessage>;
  declare base_send: (message: ASGISendEvent) => Promise<void> | void;

  constructor(_initkwargs: InitKwargs = {}) {}

  /**
   * Runs this instance for one connection. Channels' version is an async loop; this one returns the loop's
   * promise instead of awaiting it, because an idle connection keeps every suspended frame alive.
   */
  __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
    this.scope = scope;
    this.channel_layer = get_channel_layer(this.channel_layer_alias);
    this.base_send = this.wrap_send(send);
    const layer = this.channel_layer;
    if (layer === null) return this.run([receive], null);
    return layer.new_channel().then((channel_name) => {
      this.channel_name = channel_name;
      const cancellation = new Cancellation();
      this.channel_receive = () => layer.receive(channel_name, cancellation);
      return this.run([receive, this.channel_receive], cancellation);
    });
  }

  private run(sources: Array<() => Promise<ConsumerMessage>>, cancellation: Cancellation | null): Promise<void> {
    return await_many_dispatch(sources, (message) => this.dispatch(message)).then(undefined, (error: unknown) => {
      cancellation?.cancel();
      if (!(error instanceof StopConsumer)) throw error;
    });
  }

  protected wrap_send(send: Send): (message: ASGISendEvent) => Promise<void> | void {
    return send;
  }

  dispatch(message: ConsumerMessage): unknown {
    const [, handler] = find_handler(this, message);
    return handler.call(this, message);
  }

  /** An ASGI application that builds a new instance (with `initkwargs`) for every connection. */
  static as_asgi<C extends ConsumerClass>(this: C, initkwargs: InitKwargs = {}): ConsumerApp {
    const cls = this;
    const app = ((scope: Scope, receive: Receive, send: Send) =>
      new cls(initkwargs).__call__(scope, receive, send)) as ConsumerApp;
    Object.defineProperty(app, "name", { value: cls.name });
    app.consumer_class = cls;
    app.consumer_initkwargs = initkwargs;
    return app;
  }
}

/** The base consumer: handlers may be async, and `send(message)` is awaitable. */
export class AsyncConsumer extends Consumer {
  send(message: ASGISendEvent): Promise<void> {
    return this.base_send(message) as Promise<void>; // an AsyncConsumer's base_send is the ASGI send itself
  }
}

/**
 * Handlers are plain functions and `send` is synchronous from their point of view; what they start is
 * finished, in order, before the next event (see sync.ts).
 */
export class SyncConsumer extends AsyncConsumer {
  private readonly sync_context = new SyncContext();

  protected override wrap_send(send: Send): (message: ASGISendEvent) => void {
    return (message) => this.sync_context.track(send(message));
  }

  override dispatch(message: ConsumerMessage): void | Promise<void> {
    const [name, handler] = find_handler(this, message);
    return this.sync_context.run(() => handler.call(this, message), `${this.constructor.name}.${name}`);
  }

  // @ts-expect-error Channels' SyncConsumer.send is synchronous where AsyncConsumer.send is awaitable.
  override send(message: ASGISendEvent): void {
    this.base_send(message);
  }
}

/** True for a consumer class itself, the usual mistake of mounting `MyConsumer` instead of `MyConsumer.as_asgi()`. */
export function is_consumer_class(value: unknown): value is ConsumerClass {
  return typeof value === "function" && value.prototype instanceof Consumer;
}
