// The layer's Redis commands as Lua scripts: each operation is one round trip and atomic, on the same keys
// and with the same effects as channels_redis' separate commands (which take two to four round trips).

/** The cut-off and capacity checks are channels_redis' own: ZREMRANGEBYSCORE 0 <now - expiry>, ZCOUNT < capacity. */
export const SCRIPTS = {
  /** KEYS: channel key. ARGV: expired-before, capacity, score, member, expiry. 1 if stored, 0 if full. */
  channels_send: {
    keys: 1,
    lua: `
      redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
      if redis.call('ZCOUNT', KEYS[1], '-inf', '+inf') >= tonumber(ARGV[2]) then return 0 end
      redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
      redis.call('EXPIRE', KEYS[1], ARGV[5])
      return 1`,
  },
  /** KEYS: group key. ARGV: score, channel, group expiry, "NX" to keep an existing membership's time. */
  channels_group_add: {
    keys: 1,
    lua: `
      if ARGV[4] == 'NX' then redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2])
      else redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) end
      redis.call('EXPIRE', KEYS[1], ARGV[3])
      return 1`,
  },
  /** KEYS: group key. ARGV: joined-before (older memberships are dropped). The members, oldest first. */
  channels_group_members: {
    keys: 1,
    lua: `
      redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
      return redis.call('ZRANGE', KEYS[1], 0, -1)`,
  },
  /**
   * KEYS: n channel keys. ARGV: n members, n capacities, score, expiry, expired-before.
   * channels_redis' group_send script, with its per-key expiry purge folded in. Returns how many were full.
   */
  channels_group_send: {
    keys: undefined,
    lua: `
      local n = #KEYS
      local score, expiry, expired = ARGV[2 * n + 1], ARGV[2 * n + 2], ARGV[2 * n + 3]
      local over_capacity = 0
      for i = 1, n do
        redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, expired)
        if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[n + i]) then
          redis.call('ZADD', KEYS[i], score, ARGV[i])
          redis.call('EXPIRE', KEYS[i], expiry)
        else
          over_capacity = over_capacity + 1
        end
      end
      return over_capacity`,
  },
  /** ARGV: a KEYS pattern. channels_redis' flush: deletes every key under the prefix. */
  channels_flush: {
    keys: 0,
    lua: `
      local keys = redis.call('KEYS', ARGV[1])
      for i = 1, #keys, 5000 do
        redis.call('DEL', unpack(keys, i, math.min(i + 4999, #keys)))
      end
      return #keys`,
  },
} as const;

type Arg = string | number | Buffer;

/** The scripts as ioredis defines them on a client (`defineCommand`). */
export interface LayerCommands {
  channels_send(key: string, expired: number, capacity: number, score: number, member: Buffer, expiry: number): Promise<number>;
  channels_group_add(key: string, score: number, channel: string, group_expiry: number, mode: "NX" | ""): Promise<number>;
  channels_group_members(key: string, expired: number): Promise<string[]>;
  /** Variable keys: the key count comes first. */
  channels_group_send(key_count: number, ...keys_then_args: Arg[]): Promise<number>;
  channels_flush(pattern: string): Promise<number>;
}
