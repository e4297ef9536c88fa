// get_channel_layer and the CHANNEL_LAYERS manager (channels/layers.py: ChannelLayerManager).
import { settings, type ChannelLayerSettings } from "../conf.ts";
import { InvalidChannelLayerError } from "../exceptions.ts";
import { py_repr } from "../util/repr.ts";
import type { ChannelLayer, ChannelLayerClass } from "./base.ts";
import { InMemoryChannelLayer } from "./in-memory.ts";

export const DEFAULT_CHANNEL_LAYER = "default";

const backend_classes = new Map<string, ChannelLayerClass>([
  ["channels.layers.InMemoryChannelLayer", InMemoryChannelLayer],
]);

/** Makes a layer class available by name to `CHANNEL_LAYERS[alias].BACKEND` (Python's import path). */
export function register_layer_backend(name: string, cls: ChannelLayerClass): void {
  backend_classes.set(name, cls);
}

export class ChannelLayerManager {
  private backends = new Map<string, ChannelLayer>();
  private seen: Record<string, ChannelLayerSettings> = settings.CHANNEL_LAYERS;

  /** The configured layers; built layers are dropped when CHANNEL_LAYERS is replaced (Django's setting_changed). */
  get configs(): Record<string, ChannelLayerSettings> {
    this.drop_stale_backends();
    return this.seen;
  }

  private drop_stale_backends(): void {
    if (settings.CHANNEL_LAYERS !== this.seen) {
      this.seen = settings.CHANNEL_LAYERS;
      this.backends.clear();
    }
  }

  make_backend(name: string): ChannelLayer {
    return this.build(name, this.configs[name]?.CONFIG ?? {});
  }

  make_test_backend(name: string): ChannelLayer {
    const config = this.configs[name]?.TEST_CONFIG;
    if (config === undefined) throw new InvalidChannelLayerError(`No TEST_CONFIG specified for ${name}`);
    return this.build(name, config);
  }

  private build(name: string, config: Record<string, unknown>): ChannelLayer {
    const entry = this.configs[name] as (ChannelLayerSettings & { ROUTING?: unknown }) | undefined;
    if (entry === undefined) throw new InvalidChannelLayerError(`No channel layer configured for ${py_repr(name)}`);
    if ("ROUTING" in entry) {
      throw new InvalidChannelLayerError(`ROUTING key found for ${name} - this is no longer needed in Channels 2.`);
    }
    if (entry.BACKEND === undefined) throw new InvalidChannelLayerError(`No BACKEND specified for ${name}`);
    const cls = typeof entry.BACKEND === "string" ? backend_classes.get(entry.BACKEND) : entry.BACKEND;
    if (cls === undefined) {
      throw new InvalidChannelLayerError(`Cannot import BACKEND ${py_repr(entry.BACKEND)} specified for ${name}`);
    }
    return new cls(config);
  }

  /** The layer for `alias`, built on first use (Python's `channel_layers[alias]`); undefined if not configured. */
  get(alias: string): ChannelLayer | undefined {
    const configs = this.configs;
    let layer = this.backends.get(alias);
    if (layer === undefined && alias in configs) this.backends.set(alias, (layer = this.make_backend(alias)));
    return layer;
  }

  has(alias: string): boolean {
    return alias in this.configs;
  }

  /** Points `alias` at `layer` and returns the layer it replaced (for swapping layers in tests). */
  set(alias: string, layer: ChannelLayer): ChannelLayer | undefined {
    this.drop_stale_backends();
    const old = this.backends.get(alias);
    this.backends.set(alias, layer);
    return old;
  }
}

export const channel_layers = new ChannelLayerManager();

/** The layer configured under `alias`, or null when CHANNEL_LAYERS has no such entry. */
export function get_channel_layer(alias: string = DEFAULT_CHANNEL_LAYER): ChannelLayer | null {
  return channel_layers.get(alias) ?? null;
}
