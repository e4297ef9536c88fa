// InMemoryChannelLayer (channels/layers.py): one process only, for development and tests, as in Channels.
import { CancelledError, ChannelFull } from "../exceptions.ts";
import type { ChannelMessage } from "../types.ts";
import { deepcopy } from "../util/deepcopy.ts";
import { Deque } from "../util/deque.ts";
import type { CancelSignal } from "../utils.ts";
import { assert_message, BaseChannelLayer, type BaseLayerConfig, valid_channel_name, valid_group_name } from "./base.ts";

export interface InMemoryLayerConfig extends BaseLayerConfig {
  group_expiry?: number;
}

interface Waiter {
  resolve(message: ChannelMessage): void;
  unlisten: () => void;
}

interface ChannelQueue {
  items: Deque<{ expires: number; message: ChannelMessage }>;
  waiters: Deque<Waiter>;
}

const RESOLVED: Promise<void> = Promise.resolve();
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const now = () => Date.now() / 1000;

/**
 * Argument errors and ChannelFull are thrown synchronously, before a promise exists, so a SyncConsumer
 * calling through `async_to_sync` sees them at the call, where Python raises them.
 */
export class InMemoryChannelLayer extends BaseChannelLayer {
  readonly extensions = ["groups", "flush"] as const;
  readonly group_expiry: number;
  private channels = new Map<string, ChannelQueue>();
  private groups = new Map<string, Map<string, number>>();
  /** Channels holding queued (not yet received) messages: the only ones that can expire. */
  private backlog = new Set<string>();
  private last_group_sweep = 0;

  constructor(config: InMemoryLayerConfig = {}) {
    super(config);
    this.group_expiry = config.group_expiry ?? 86400;
  }

  send(channel: string, message: ChannelMessage): Promise<void> {
    assert_message(message);
    valid_channel_name(channel);
    const queue = this.queue(channel);
    const waiter = queue.waiters.shift();
    if (waiter !== undefined) {
      waiter.unlisten();
      waiter.resolve(deepcopy(message));
      return RESOLVED;
    }
    if (queue.items.length >= this.get_capacity(channel)) throw new ChannelFull(channel);
    queue.items.push({ expires: now() + this.expiry, message: deepcopy(message) });
    this.backlog.add(channel);
    return RESOLVED;
  }

  receive(channel: string, cancel?: CancelSignal): Promise<ChannelMessage> {
    valid_channel_name(channel);
    this.clean_expired();
    const queue = this.queue(channel);
    const entry = queue.items.shift();
    if (entry !== undefined) {
      this.forget_if_idle(channel, queue);
      return Promise.resolve(entry.message);
    }
    if (cancel?.aborted) return Promise.reject(new CancelledError());
    return new Promise<ChannelMessage>((resolve, reject) => {
      const waiter: Waiter = { resolve, unlisten: () => {} };
      queue.waiters.push(waiter);
      if (cancel) {
        waiter.unlisten = cancel.on_cancel(() => {
          queue.waiters.remove(waiter);
          this.forget_if_idle(channel, queue);
          reject(new CancelledError());
        });
      }
    });
  }

  new_channel(prefix = "specific."): Promise<string> {
    let suffix = "";
    for (let i = 0; i < 12; i++) suffix += LETTERS[Math.floor(Math.random() * LETTERS.length)];
    return Promise.resolve(`${prefix}.inmemory!${suffix}`);
  }

  group_add(group: string, channel: string): Promise<void> {
    valid_group_name(group);
    valid_channel_name(channel);
    let members = this.groups.get(group);
    if (members === undefined) this.groups.set(group, (members = new Map()));
    members.set(channel, now());
    return RESOLVED;
  }

  group_discard(group: string, channel: string): Promise<void> {
    valid_channel_name(channel);
    valid_group_name(group);
    const members = this.groups.get(group);
    if (members !== undefined) {
      members.delete(channel);
      if (members.size === 0) this.groups.delete(group);
    }
    return RESOLVED;
  }

  group_send(group: string, message: ChannelMessage): Promise<void> {
    assert_message(message, "Message is not a dict");
    valid_group_name(group);
    this.clean_expired();
    const members = this.groups.get(group);
    if (members === undefined) return RESOLVED;
    for (const channel of members.keys()) {
      try {
        this.send(channel, message);
      } catch (error) {
        if (!(error instanceof ChannelFull)) throw error;
      }
    }
    return RESOLVED;
  }

  /** Drops every queued message and group; receivers already waiting stay registered. */
  flush(): Promise<void> {
    for (const [channel, queue] of this.channels) {
      queue.items.clear();
      this.forget_if_idle(channel, queue);
    }
    this.backlog.clear();
    this.groups.clear();
    return RESOLVED;
  }

  /** Members of a group, in join order (not in Channels' public API; for tests and tracing). */
  group_members(group: string): string[] {
    return [...(this.groups.get(group)?.keys() ?? [])];
  }

  private queue(channel: string): ChannelQueue {
    let queue = this.channels.get(channel);
    if (queue === undefined) this.channels.set(channel, (queue = { items: new Deque(), waiters: new Deque() }));
    return queue;
  }

  private forget_if_idle(channel: string, queue: ChannelQueue): void {
    if (queue.items.length === 0) {
      this.backlog.delete(channel);
      if (queue.waiters.length === 0) this.channels.delete(channel);
    }
  }

  /** Expired messages are dropped, and their channel leaves every group (Channels' `_clean_expired`). */
  private clean_expired(): void {
    const t = now();
    for (const channel of this.backlog) {
      const queue = this.channels.get(channel)!;
      while (queue.items.length > 0 && queue.items.peek()!.expires < t) {
        queue.items.shift();
        this.remove_from_groups(channel);
      }
      this.forget_if_idle(channel, queue);
    }
    // Memberships last a day by default, so sweeping once a second keeps the cost off the message path.
    if (t - this.last_group_sweep < 1) return;
    this.last_group_sweep = t;
    const timeout = Math.floor(t) - this.group_expiry;
    for (const [group, members] of this.groups) {
      for (const [channel, joined] of members) if (Math.floor(joined) < timeout) members.delete(channel);
      if (members.size === 0) this.groups.delete(group);
    }
  }

  private remove_from_groups(channel: string): void {
    for (const [group, members] of this.groups) {
      if (members.delete(channel) && members.size === 0) this.groups.delete(group);
    }
  }
}
