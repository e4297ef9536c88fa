// InMemoryChannelLayer (channels/layers.py): one process only, for development and tests, as in Channels.
import { CancelledError, ChannelFull } from "../exceptions.ts";
import type { ChannelMessage } from "../types.ts";
import { deepcopy } from "../util/deepcopy.ts";
import { Deque } from "../util/deque.ts";
import type { Cancellable, CancelSignal } from "../utils.ts";
import { assert_message, BaseChannelLayer, type BaseLayerConfig, valid_channel_name, valid_group_name } from "./base.ts";

export interface InMemoryLayerConfig extends BaseLayerConfig {
  group_expiry?: number;
}

/** A pending receive(). An object rather than closures: every idle consumer has one. */
class Waiter implements Cancellable {
  constructor(
    private readonly layer: InMemoryChannelLayer,
    readonly channel: string,
    readonly resolve: (message: ChannelMessage) => void,
    private readonly reject: (error: unknown) => void,
    readonly cancel: CancelSignal | undefined,
  ) {}

  cancelled(): void {
    this.layer.withdraw(this);
    this.reject(new CancelledError());
  }
}

/** Queues are made on first use; a channel with one waiting reader (the usual case) needs no deque. */
interface ChannelQueue {
  items: Deque<{ expires: number; message: ChannelMessage }> | null;
  waiter: Waiter | null;
  more_waiters: Deque<Waiter> | null;
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
    const waiter = this.next_waiter(queue);
    if (waiter !== null) {
      waiter.cancel?.off_cancel(waiter);
      waiter.resolve(deepcopy(message));
      this.forget_if_idle(channel, queue);
      return RESOLVED;
    }
    const items = (queue.items ??= new Deque());
    if (items.length >= this.get_capacity(channel)) throw new ChannelFull(channel);
    items.push({ expires: now() + this.expiry, message: deepcopy(message) });
    this.backlog.add(channel);
    return RESOLVED;
  }

  receive(channel: string, cancel?: CancelSignal): Promise<ChannelMessage> {
    valid_channel_name(channel);
    this.clean_expired();
    const queue = this.queue(channel);
    const entry = queue.items?.shift();
    if (entry !== undefined) {
      this.forget_if_idle(channel, queue);
      return Promise.resolve(entry.message);
    }
    if (cancel?.aborted) return Promise.reject(new CancelledError());
    return new Promise<ChannelMessage>((resolve, reject) => {
      const waiter = new Waiter(this, channel, resolve, reject, cancel);
      if (queue.waiter === null) queue.waiter = waiter;
      else (queue.more_waiters ??= new Deque()).push(waiter);
      cancel?.on_cancel(waiter);
    });
  }

  new_channel(prefix = "specific."): Promise<string> {
    // Built in one go: `+=` in a loop leaves a chain of string pieces that every open channel name keeps.
    const codes = new Array<number>(12);
    for (let i = 0; i < 12; i++) codes[i] = LETTERS.charCodeAt(Math.floor(Math.random() * LETTERS.length));
    return Promise.resolve(`${prefix}.inmemory!${String.fromCharCode(...codes)}`);
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
      queue.items = null;
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
    if (queue === undefined) this.channels.set(channel, (queue = { items: null, waiter: null, more_waiters: null }));
    return queue;
  }

  /** Readers are served in the order they started waiting, as asyncio.Queue serves its getters. */
  private next_waiter(queue: ChannelQueue): Waiter | null {
    const waiter = queue.waiter;
    queue.waiter = queue.more_waiters?.shift() ?? null;
    return waiter;
  }

  /** A cancelled reader stops waiting. */
  withdraw(waiter: Waiter): void {
    const queue = this.channels.get(waiter.channel);
    if (queue === undefined) return;
    if (queue.waiter === waiter) queue.waiter = queue.more_waiters?.shift() ?? null;
    else queue.more_waiters?.remove(waiter);
    this.forget_if_idle(waiter.channel, queue);
  }

  private forget_if_idle(channel: string, queue: ChannelQueue): void {
    if (queue.items !== null && queue.items.length > 0) return;
    queue.items = null;
    this.backlog.delete(channel);
    if (queue.waiter === null) this.channels.delete(channel);
  }

  /** Expired messages are dropped, and their channel leaves every group (Channels' `_clean_expired`). */
  private clean_expired(): void {
    const t = now();
    for (const channel of this.backlog) {
      const queue = this.channels.get(channel)!;
      while (queue.items !== null && queue.items.length > 0 && queue.items.peek()!.expires < t) {
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
