// RedisChannelLayer (channels_redis/core.py): channels and groups kept in Redis sorted sets, so every
// process on the same Redis shares them, Django Channels' processes included (same keys, same encoding).
//
// Keys, as channels_redis 4 names them (prefix "asgi" by default):
//   <prefix><channel>            a channel's queue; every `specific.<client>!…` channel of one process shares
//                                the key `<prefix>specific.<client>!`, and each message names its channel(s)
//                                in `__asgi_channel__`
//   <prefix>:group:<group>       a group: channel names scored by when they joined
// Queue members are 12 unique bytes + msgpack(message), scored by the time they were sent.
import { crc32 } from "node:zlib";
import { randomUUID } from "node:crypto";
import {
  AssertionError, BaseChannelLayer, ChannelFull, ValueError, assert_message, valid_channel_name, valid_group_name,
  type BaseLayerConfig, type CancelSignal, type ChannelMessage,
} from "channels";
import { Shard, type Client, type HostSpec, type LayerLogger } from "./connection.ts";
import { Mailbox } from "./mailbox.ts";
import { deserialize, serialize } from "./serialize.ts";

export interface RedisLayerConfig extends BaseLayerConfig {
  /** Redis servers (more than one shards channels and groups by name, as channels_redis does). */
  hosts?: HostSpec[];
  prefix?: string;
  group_expiry?: number;
  /** Seconds a layer call waits for an unreachable Redis before it raises RedisUnavailable (default 5). */
  outage_timeout?: number;
  logger?: LayerLogger;
  symmetric_encryption_keys?: unknown;
}

const DEFAULT_HOSTS: HostSpec[] = ["redis://localhost:6379"];

/** Seconds, finer than milliseconds and strictly increasing: queues are ordered by score, so one sender's
 * messages must never tie (ties are broken by the random member bytes, which would shuffle them). */
let last_score = 0;
function clock(): number {
  const t = (performance.timeOrigin + performance.now()) / 1000;
  last_score = t > last_score ? t : last_score + 1e-6;
  return last_score;
}

export class RedisChannelLayer extends BaseChannelLayer {
  readonly extensions = ["groups", "flush"] as const;
  readonly prefix: string;
  readonly group_expiry: number;
  /** Names this process's channels: `specific.<client_prefix>!<uuid>`. */
  readonly client_prefix = randomUUID().replaceAll("-", "");
  private readonly shards: Shard[];
  private readonly mailbox: Mailbox;
  private send_index = 0;
  private receive_index = 0;
  /** Memberships made here, put back after Redis restarts empty (channels_redis loses them). */
  private readonly memberships = new Map<string, Map<string, number>>();

  constructor(config: RedisLayerConfig = {}) {
    super(config);
    if (typeof config.hosts === "string") throw new ValueError("You must pass a list of Redis hosts, even if there is only one.");
    if (config.symmetric_encryption_keys) {
      throw new ValueError("symmetric_encryption_keys is not supported: this layer stores messages unencrypted");
    }
    this.prefix = config.prefix ?? "asgi";
    this.group_expiry = config.group_expiry ?? 86400;
    const logger = config.logger ?? { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m) };
    const hosts = config.hosts?.length ? config.hosts : DEFAULT_HOSTS;
    this.shards = hosts.map((spec, index) => new Shard(spec, config.outage_timeout ?? 5, logger, (client) => this.restore(index, client)));
    const own_key = this.non_local_name(`specific.${this.client_prefix}!`);
    this.mailbox = new Mailbox(this.shards[this.hash(own_key)]!, this.prefix + own_key, this.capacity, this.expiry, logger);
  }

  /** Which server holds a name (channels_redis' _consistent_hash: CRC32 into 4096 slots, split evenly). */
  private hash(name: string): number {
    if (this.shards.length === 1) return 0;
    return Math.floor((crc32(name) & 0xfff) / (4096 / this.shards.length));
  }

  private expired_before(window: number): number {
    return Math.floor(Date.now() / 1000) - Math.floor(window);
  }

  send(channel: string, message: ChannelMessage): Promise<void> {
    assert_message(message);
    valid_channel_name(channel);
    let key = channel;
    let payload: Record<string, unknown> = message;
    let shard: Shard;
    if (channel.includes("!")) {
      payload = { ...message, __asgi_channel__: channel };
      key = this.non_local_name(channel);
      // Hashed by the shared key, where its process reads (channels_redis 4.0 hashes the whole name here).
      shard = this.shards[this.hash(key)]!;
    } else {
      shard = this.shards[this.send_index++ % this.shards.length]!;
    }
    const member = serialize(payload);
    const capacity = this.get_capacity(channel);
    return shard
      .run((c) => c.channels_send(this.prefix + key, this.expired_before(this.expiry), capacity, clock(), member, this.expiry))
      .then((stored) => {
        if (stored !== 1) throw new ChannelFull(channel);
      });
  }

  receive(channel: string, cancel?: CancelSignal): Promise<ChannelMessage> {
    valid_channel_name(channel);
    if (!channel.includes("!")) return this.receive_shared(channel, cancel);
    if (!this.non_local_name(channel).endsWith(`${this.client_prefix}!`)) throw new AssertionError("Wrong client prefix");
    return this.mailbox.receive(channel, cancel);
  }

  /** A channel any process may read (no `!`): a blocking pop of its own, as channels_redis' receive_single. */
  private async receive_shared(channel: string, cancel?: CancelSignal): Promise<ChannelMessage> {
    valid_channel_name(channel, true);
    const shard = this.shards[this.receive_index++ % this.shards.length]!;
    const client = await shard.dedicated();
    const stop = { cancelled: () => client.disconnect() };
    cancel?.on_cancel(stop);
    try {
      for (;;) {
        const popped = (await client.bzpopminBuffer(this.prefix + channel, 5).catch((e: unknown) => {
          throw cancel?.aborted ? e : shard.explain(e);
        })) as [Buffer, Buffer, Buffer] | null;
        if (popped === null) continue;
        const message = deserialize(popped[1]) as ChannelMessage & { __asgi_channel__?: unknown };
        delete message.__asgi_channel__;
        return message;
      }
    } finally {
      cancel?.off_cancel(stop);
      client.disconnect();
    }
  }

  new_channel(prefix = "specific"): Promise<string> {
    return Promise.resolve(`${prefix}.${this.client_prefix}!${randomUUID().replaceAll("-", "")}`);
  }

  private group_key(group: string): string {
    return `${this.prefix}:group:${group}`;
  }

  group_add(group: string, channel: string): Promise<void> {
    valid_group_name(group);
    valid_channel_name(channel);
    const joined = clock();
    let members = this.memberships.get(group);
    if (members === undefined) this.memberships.set(group, (members = new Map()));
    members.set(channel, joined);
    return this.shards[this.hash(group)]!
      .run((c) => c.channels_group_add(this.group_key(group), joined, channel, this.group_expiry, ""))
      .then(() => undefined);
  }

  group_discard(group: string, channel: string): Promise<void> {
    valid_group_name(group);
    valid_channel_name(channel);
    const members = this.memberships.get(group);
    members?.delete(channel);
    if (members?.size === 0) this.memberships.delete(group);
    return this.shards[this.hash(group)]!.run((c) => c.zrem(this.group_key(group), channel)).then(() => undefined);
  }

  group_send(group: string, message: ChannelMessage): Promise<void> {
    assert_message(message, "Message is not a dict");
    valid_group_name(group);
    return this.send_to_members(group, message);
  }

  private async send_to_members(group: string, message: ChannelMessage): Promise<void> {
    const group_shard = this.shards[this.hash(group)]!;
    const channels = await group_shard.run((c) => c.channels_group_members(this.group_key(group), this.expired_before(this.group_expiry)));
    if (channels.length === 0) return;
    // One message per queue key, naming every member channel that reads from it (channels_redis'
    // _map_channel_keys_to_connection): a group of a thousand consumers in one process is one entry.
    const by_key = new Map<string, { shard: number; channels: string[]; capacity: number }>();
    for (const channel of channels) {
      const key = this.prefix + this.non_local_name(channel);
      const entry = by_key.get(key);
      if (entry !== undefined) entry.channels.push(channel);
      else by_key.set(key, { shard: this.hash(this.non_local_name(channel)), channels: [channel], capacity: this.get_capacity(channel) });
    }
    const score = clock();
    const expired = this.expired_before(this.expiry);
    await Promise.all(this.shards.map((shard, index) => {
      const keys = [...by_key].filter(([, e]) => e.shard === index);
      if (keys.length === 0) return undefined;
      const members = keys.map(([, e]) => serialize({ ...message, __asgi_channel__: e.channels }));
      const args = [...keys.map(([k]) => k), ...members, ...keys.map(([, e]) => e.capacity), score, this.expiry, expired];
      // Full channels are skipped, as in Channels: group_send never raises ChannelFull.
      return shard.run((c) => c.channels_group_send(keys.length, ...args));
    }));
  }

  /** After a reconnection: memberships Redis no longer has (a restart without persistence) are added back. */
  private restore(shard_index: number, client: Client): void {
    const expired = this.expired_before(this.group_expiry);
    for (const [group, members] of this.memberships) {
      if (this.hash(group) !== shard_index) continue;
      for (const [channel, joined] of members) {
        if (joined < expired) members.delete(channel);
        else void client.channels_group_add(this.group_key(group), joined, channel, this.group_expiry, "NX").catch(() => {});
      }
    }
  }

  async flush(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.run((c) => c.channels_flush(`${this.prefix}*`))));
    this.mailbox.clear();
    this.memberships.clear();
  }

  /** Waits until every server answers (or raises RedisUnavailable naming the first that does not). */
  async check(timeout_s?: number): Promise<void> {
    for (const shard of this.shards) await shard.until_ready(timeout_s);
  }

  override async close(): Promise<void> {
    this.mailbox.close();
    for (const shard of this.shards) shard.close();
  }

  override toString(): string {
    return `RedisChannelLayer(hosts=[${this.shards.map((s) => s.url).join(", ")}])`;
  }
}
