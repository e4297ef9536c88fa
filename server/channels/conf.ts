// The Django settings Channels reads, as one object: `configure({ CHANNEL_LAYERS: {...}, ALLOWED_HOSTS: [...] })`.
import type { ChannelLayerClass } from "./layers/base.ts";

export interface ChannelLayerSettings {
  /** A registered backend name ("channels.layers.InMemoryChannelLayer") or the layer class itself. */
  BACKEND: string | ChannelLayerClass;
  CONFIG?: Record<string, unknown>;
  TEST_CONFIG?: Record<string, unknown>;
}

export interface Settings {
  CHANNEL_LAYERS: Record<string, ChannelLayerSettings>;
  ALLOWED_HOSTS: string[];
  DEBUG: boolean;
  SESSION_COOKIE_NAME: string;
  SESSION_COOKIE_AGE: number;
  SESSION_COOKIE_PATH: string;
  SESSION_COOKIE_DOMAIN: string | null;
  SESSION_COOKIE_SECURE: boolean;
  SESSION_COOKIE_HTTPONLY: boolean;
  SESSION_COOKIE_SAMESITE: "Lax" | "Strict" | "None" | null;
  SESSION_SAVE_EVERY_REQUEST: boolean;
}

const defaults = (): Settings => ({
  CHANNEL_LAYERS: {},
  ALLOWED_HOSTS: [],
  DEBUG: false,
  SESSION_COOKIE_NAME: "sessionid",
  SESSION_COOKIE_AGE: 60 * 60 * 24 * 7 * 2,
  SESSION_COOKIE_PATH: "/",
  SESSION_COOKIE_DOMAIN: null,
  SESSION_COOKIE_SECURE: false,
  SESSION_COOKIE_HTTPONLY: true,
  SESSION_COOKIE_SAMESITE: "Lax",
  SESSION_SAVE_EVERY_REQUEST: false,
});

export const settings: Settings = defaults();

/** Overrides settings; layers are rebuilt when CHANNEL_LAYERS changes (Django's setting_changed). */
export function configure(overrides: Partial<Settings>): void {
  Object.assign(settings, overrides);
}

/** Restores every setting to its default (for tests). */
export function reset_settings(): void {
  Object.assign(settings, defaults());
}
