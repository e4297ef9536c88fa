// Copies of a scope as Channels makes them (`dict(scope, **extra)`), keeping lazily computed keys lazy: a
// server may defer building what an app seldom reads (header bytes), and routers and middleware copy the
// scope for every connection.
import type { Scope } from "./types.ts";

export function copy_scope<S extends Scope>(scope: S, extra: Record<string, unknown> = {}): S {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(scope)) as S;
  for (const [key, value] of Object.entries(extra)) {
    Object.defineProperty(copy, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return copy;
}

const LAZY = Symbol("lazy scope keys");

/** Computes a scope's lazy keys; one per scope, shared by its copies. */
export interface LazyKeys {
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

/** Defines `keys` on `scope` as values computed on first read (by `source`) and shared by every copy. */
export function lazy_keys(scope: object, keys: readonly string[], source: LazyKeys): void {
  Object.defineProperty(scope, LAZY, { value: source });
  for (const key of keys) Object.defineProperty(scope, key, accessor(key));
}
