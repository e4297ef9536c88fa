// The process's side of its channels: every `specific.<client prefix>!…` channel of this layer shares one
// Redis key, so one loop pops it (while anyone is receiving) and hands each message to the local channels
// named in its `__asgi_channel__` (channels_redis' receive_buffer and receive lock, as an object).
import { CancelledError, type Cancellable, type CancelSignal, type ChannelMessage } from "channels";
import type { LayerLogger, Shard } from "./connection.ts";
import { deserialize } from "./serialize.ts";

/** How many messages one pop takes when they are queued up: one round trip for a burst. */
const BATCH = 100;
/** channels_redis' brpop_timeout: a blocking pop returns this often, so the loop can stop when nobody reads. */
const BLOCK_S = 5;

class Waiter implements Cancellable {
  constructor(
    private readonly mailbox: Mailbox,
    readonly channel: string,
    readonly resolve: (message: ChannelMessage) => void,
    private readonly reject: (error: unknown) => void,
    readonly cancel: CancelSignal | undefined,
  ) {}

  cancelled(): void {
    this.mailbox.withdraw(this);
    this.reject(new CancelledError());
  }
}

interface Box {
  /** Messages that came before anyone asked, oldest first, with when they came (seconds). */
  items: Array<{ at: number; message: ChannelMessage }>;
  waiters: Waiter[];
}

const now = () => Date.now() / 1000;

export class Mailbox {
  private boxes = new Map<string, Box>();
  private waiting = 0;
  private running = false;
  private closed = false;
  private last_sweep = 0;

  constructor(
    private readonly shard: Shard,
    /** The Redis key all this process's channels share. */
    private readonly key: string,
    private readonly capacity: number,
    private readonly expiry: number,
    private readonly logger: LayerLogger,
  ) {}

  receive(channel: string, cancel?: CancelSignal): Promise<ChannelMessage> {
    const box = this.boxes.get(channel);
    const item = box?.items.shift();
    if (item !== undefined) {
      this.forget_if_idle(channel, box!);
      return Promise.resolve(item.message);
    }
    if (cancel?.aborted) return Promise.reject(new CancelledError());
    return new Promise<ChannelMessage>((resolve, reject) => {
      const waiter = new Waiter(this, channel, resolve, reject, cancel);
      this.box(channel).waiters.push(waiter);
      this.waiting++;
      cancel?.on_cancel(waiter);
      if (!this.running) void this.loop();
    });
  }

  withdraw(waiter: Waiter): void {
    const box = this.boxes.get(waiter.channel);
    if (box === undefined) return;
    const at = box.waiters.indexOf(waiter);
    if (at === -1) return;
    box.waiters.splice(at, 1);
    this.waiting--;
    this.forget_if_idle(waiter.channel, box);
  }

  /** Drops every buffered message (flush); readers already waiting stay. */
  clear(): void {
    for (const [channel, box] of this.boxes) {
      box.items = [];
      this.forget_if_idle(channel, box);
    }
  }

  close(): void {
    this.closed = true;
  }

  private box(channel: string): Box {
    let box = this.boxes.get(channel);
    if (box === undefined) this.boxes.set(channel, (box = { items: [], waiters: [] }));
    return box;
  }

  private forget_if_idle(channel: string, box: Box): void {
    if (box.items.length === 0 && box.waiters.length === 0) this.boxes.delete(channel);
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting > 0 && !this.closed) {
        let members: Buffer[];
        try {
          members = await this.pop();
        } catch {
          if (this.closed) return;
          // Redis went away: the connections reconnect by themselves; readers keep waiting meanwhile.
          await this.shard.until_ready(Number.POSITIVE_INFINITY);
          continue;
        }
        for (const member of members) this.deliver(member);
      }
    } finally {
      this.running = false;
    }
  }

  private async pop(): Promise<Buffer[]> {
    const client = await this.shard.blocking();
    const batch = (await client.zpopminBuffer(this.key, BATCH)) as Buffer[];
    if (batch.length > 0) return batch.filter((_, i) => i % 2 === 0);
    const one = (await client.bzpopminBuffer(this.key, BLOCK_S)) as [Buffer, Buffer, Buffer] | null;
    return one === null ? [] : [one[1]];
  }

  private deliver(member: Buffer): void {
    let message: Record<string, unknown>;
    try {
      message = deserialize(member) as Record<string, unknown>;
      if (message === null || typeof message !== "object" || Array.isArray(message)) throw new Error("not a map");
    } catch (error) {
      this.logger.warn(`Dropped a message on ${this.key} that is not a msgpack map: ${(error as Error).message}`);
      return;
    }
    const to = message.__asgi_channel__;
    delete message.__asgi_channel__;
    // One group message names every local member it is for; they share it, as in channels_redis.
    for (const channel of Array.isArray(to) ? to : [to]) {
      if (typeof channel === "string") this.put(channel, message as ChannelMessage);
    }
    this.sweep();
  }

  private put(channel: string, message: ChannelMessage): void {
    const box = this.box(channel);
    const waiter = box.waiters.shift();
    if (waiter !== undefined) {
      this.waiting--;
      waiter.cancel?.off_cancel(waiter);
      waiter.resolve(message);
      this.forget_if_idle(channel, box);
      return;
    }
    // channels_redis' BoundedQueue: a channel nobody reads keeps only its newest `capacity` messages.
    if (box.items.length >= this.capacity) box.items.shift();
    box.items.push({ at: now(), message });
  }

  /** Buffered messages expire as they would have in Redis (a channel whose consumer is gone is read by no one). */
  private sweep(): void {
    const t = now();
    if (t - this.last_sweep < 1) return;
    this.last_sweep = t;
    for (const [channel, box] of this.boxes) {
      while (box.items.length > 0 && t - box.items[0]!.at > this.expiry) box.items.shift();
      this.forget_if_idle(channel, box);
    }
  }
}
