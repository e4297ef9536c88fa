// The example project's settings (a Django project's settings.py): the channel layer is in-memory, or
// channels_redis' RedisChannelLayer when REDIS_URL is set, so several server processes share groups.
import { configure, type ChannelLayerSettings } from "channels";
import "../channels-redis/index.ts";

export const REDIS_URL = process.env.REDIS_URL || undefined;

const layer: ChannelLayerSettings = REDIS_URL
  ? { BACKEND: "channels_redis.core.RedisChannelLayer", CONFIG: { hosts: [REDIS_URL] } }
  : { BACKEND: "channels.layers.InMemoryChannelLayer" };

configure({ CHANNEL_LAYERS: { default: layer } });
