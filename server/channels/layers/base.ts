// BaseChannelLayer (channels/layers.py): name rules, capacities, and the API every layer offers.
import { AssertionError } from "../exceptions.ts";
import type { ChannelMessage } from "../types.ts";
import type { CancelSignal } from "../utils.ts";

export interface ChannelLayer {
  readonly extensions: readonly string[];
  send(channel: string, message: ChannelMessage): Promise<void>;
  receive(channel: string, cancel?: CancelSignal): Promise<ChannelMessage>;
  new_channel(prefix?: string): Promise<string>;
  group_add(group: string, channel: string): Promise<void>;
  group_discard(group: string, channel: string): Promise<void>;
  group_send(group: string, message: ChannelMessage): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type ChannelLayerClass = new (config?: Record<string, unknown>) => ChannelLayer;

export interface BaseLayerConfig {
  expiry?: number;
  capacity?: number;
  /** Per-channel capacities: glob string (or RegExp) -> capacity; the first match wins. */
  channel_capacity?: Record<string, number> | Array<[string | RegExp, number]> | null;
}

export const MAX_NAME_LENGTH = 100;
const CHANNEL_NAME = /^[a-zA-Z\p{Nd}\-_.]+(![\p{L}\p{N}_\-.]*)?$/u;
const GROUP_NAME = /^[a-zA-Z\p{Nd}\-_.]+$/u;

function invalid_name(kind: "Channel" | "Group", name: unknown): TypeError {
  return new TypeError(
    `${kind} name must be a valid unicode string with length < ${MAX_NAME_LENGTH} ` +
      `containing only ASCII alphanumerics, hyphens, underscores, or periods, not ${String(name)}`,
  );
}

// Python counts code points; a string's UTF-16 length is never fewer, so only long names need counting.
const fits = (name: unknown): name is string =>
  typeof name === "string" && (name.length < MAX_NAME_LENGTH || [...name].length < MAX_NAME_LENGTH);

export function valid_channel_name(name: unknown, receive = false): true {
  if (fits(name) && CHANNEL_NAME.test(name)) {
    if (name.includes("!") && !name.endsWith("!") && receive) {
      throw new TypeError("Specific channel names in receive() must end at the !");
    }
    return true;
  }
  throw invalid_name("Channel", name);
}

export function valid_group_name(name: unknown): true {
  if (fits(name) && GROUP_NAME.test(name)) return true;
  throw invalid_name("Group", name);
}

export function assert_message(message: unknown, text = "message is not a dict"): asserts message is ChannelMessage {
  if (message === null || typeof message !== "object" || Array.isArray(message)) throw new AssertionError(text);
  if ("__asgi_channel__" in message) throw new AssertionError("__asgi_channel__ is reserved");
}

function glob_to_regexp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^(?:${body})$`, "s");
}

const API = ["send", "receive", "new_channel", "group_add", "group_discard", "group_send", "flush", "close"] as const;

export abstract class BaseChannelLayer implements ChannelLayer {
  abstract readonly extensions: readonly string[];
  readonly expiry: number;
  readonly capacity: number;
  private readonly capacities: Array<[RegExp, number]>;

  constructor(config: BaseLayerConfig = {}) {
    this.expiry = config.expiry ?? 60;
    this.capacity = config.capacity ?? 100;
    const raw = config.channel_capacity ?? {};
    const entries = Array.isArray(raw) ? raw : Object.entries(raw);
    this.capacities = entries.map(([p, c]) => [typeof p === "string" ? glob_to_regexp(p) : p, c]);
    // Bound, so `async_to_sync(this.channel_layer.group_send)` works as it does in Python.
    const self = this as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of API) self[name] = self[name]!.bind(this);
  }

  get_capacity(channel: string): number {
    for (const [pattern, capacity] of this.capacities) if (pattern.test(channel)) return capacity;
    return this.capacity;
  }

  valid_channel_name(name: unknown, receive = false): true {
    return valid_channel_name(name, receive);
  }

  valid_group_name(name: unknown): true {
    return valid_group_name(name);
  }

  /** The part of a process-specific name up to and including the `!`; the whole name otherwise. */
  non_local_name(name: string): string {
    const bang = name.indexOf("!");
    return bang === -1 ? name : name.slice(0, bang + 1);
  }

  abstract send(channel: string, message: ChannelMessage): Promise<void>;
  abstract receive(channel: string, cancel?: CancelSignal): Promise<ChannelMessage>;
  abstract new_channel(prefix?: string): Promise<string>;
  abstract group_add(group: string, channel: string): Promise<void>;
  abstract group_discard(group: string, channel: string): Promise<void>;
  abstract group_send(group: string, message: ChannelMessage): Promise<void>;
  abstract flush(): Promise<void>;
  async close(): Promise<void> {}
}
