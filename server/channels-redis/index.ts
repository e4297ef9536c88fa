// channels_redis for this project: the Redis channel layer, kept out of the core because it needs a Redis
// client. Importing it registers the backend name CHANNEL_LAYERS uses.
import { register_layer_backend } from "channels";
import { RedisChannelLayer } from "./core.ts";

export { RedisChannelLayer, type RedisLayerConfig } from "./core.ts";
export { RedisUnavailable, type HostSpec, type LayerLogger } from "./connection.ts";

register_layer_backend("channels_redis.core.RedisChannelLayer", RedisChannelLayer);
