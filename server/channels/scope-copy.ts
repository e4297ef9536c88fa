// Copies of a scope as Channels makes them (`dict(scope, **extra)`), keeping lazily computed keys lazy: a
// server may defer building what an app seldom reads (header bytes), and routers and middleware copy the
// scope for every connection.
import type { Scope } from "./types.ts";

export function copy_scope<S extends Scope>(scope: S, extra: Record<string, unknown> = {}): S {
  const source = (scope as { [LAZY]?: LazyKeys })[LAZY];
  if (source === undefined) return { ...scope, ...extra };
  // Descriptors only for the lazy keys (reading them all is what makes a generic copy slow).
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Object.keys(scope)) {
    const descriptor = source.keys.includes(key) ? Object.getOwnPropertyDescriptor(scope, key)! : null;
    if (descriptor?.get) Object.defineProperty(copy, key, descriptor);
    else copy[key] = descriptor ? descriptor.value : (scope as Record<string, unknown>)[key];
  }
  Object.defineProperty(copy, LAZY, { value: source });
  for (const key of Object.keys(extra)) {
    if (source.keys.includes(key)) Object.defineProperty(copy, key, { value: extra[key], writable: true, enumerable: true, configurable: true });
    else copy[key] = extra[key];
  }
  return copy as S;
}

const LAZY = Symbol("lazy scope keys");

/** Computes a scope's lazy keys; one per scope, shared by its copies. */
export interface LazyKeys {
  readonly keys: readonly string[];
  compute(key: string): unknown;
}

const accessors = new Map<string, PropertyDescriptor>();

/** One getter/setter pair per key name for the whole process, so a lazy key costs a scope no closures. */
function accessor(key: string): PropertyDescriptor {
  let descriptor = accessors.get(key);
  if (descriptor === undefined) {
    const cache = Symbol(key);
    descriptor = {
      enumerable: true,
      configurable: true,
      get(this: Record<symbol, LazyKeys & Record<symbol, unknown>>) {
        const source = this[LAZY]!;
        return cache in source ? source[cache] : (source[cache] = source.compute(key));
      },
      // Assigning replaces the key on this copy only, as with a plain dict.
      set(this: object, value: unknown) {
        Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      },
    };
    accessors.set(key, descriptor);
  }
  return descriptor;
}

/** Defines `source.keys` on `scope` as values computed on first read and shared by every copy. */
export function lazy_keys(scope: object, source: LazyKeys): void {
  Object.defineProperty(scope, LAZY, { value: source });
  for (const key of source.keys) Object.defineProperty(scope, key, accessor(key));
}
