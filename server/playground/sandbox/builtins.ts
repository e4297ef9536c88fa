// Runs inside the isolate, before the learner's module: takes away what the isolate's memory limit does not
// count, and bounds the builtins that run to their end without checking V8's interrupt (a handler's
// deadline is only noticed once such a call returns: "x".repeat(3e8).normalize() ran 1.6 s against 1 s).
// Measured with isolated-vm 5.0.4 on Node 20: normalize, toLocaleUpperCase/LowerCase and localeCompare of a
// long rope, a default Array.prototype.sort of 1e6 items (1.7 s) and iterating an Intl.Segmenter over
// 3e5 characters (2 s and more) overran a 1 s deadline. Loops, RegExp backtracking, join, JSON.stringify
// and the rest stop on time or hit the memory limit first; what still overruns is stopped by the
// supervisor's heartbeat and reported as a timeout.

/** Longest string the unstoppable string builtins take (normalize of 1e6 characters takes about 15 ms). */
export const MAX_BUILTIN_STRING = 1_000_000;
/** Longest string an Intl.Segmenter segments. */
export const MAX_SEGMENTED = 20_000;
/** Longer arrays are sorted with a comparator, which V8 can interrupt, instead of the builtin's own. */
const SORT_NATIVE_MAX = 50_000;

const define = Object.defineProperty;
const apply = Reflect.apply;
const to_string = String;

function refuse(what: string, length: number, max: number): never {
  throw new RangeError(
    `${what} refuses strings over ${max} characters in the sandbox (this one has ${length}): ` +
      "it cannot be stopped at the handler's time limit",
  );
}

/** Replaces a method (same name and arity, not enumerable), as if the builtin checked its input. */
function wrap(target: object, key: string, make: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown): void {
  const original = (target as Record<string, unknown>)[key];
  if (typeof original !== "function") return;
  const replacement = make(original as (...args: unknown[]) => unknown);
  define(replacement, "name", { value: key });
  define(replacement, "length", { value: (original as { length: number }).length });
  define(target, key, { value: replacement, writable: true, configurable: true, enumerable: false });
}

function bound_string_method(key: string, also_argument: boolean): void {
  wrap(String.prototype, key, (original) =>
    function (this: unknown, ...args: unknown[]) {
      const self = typeof this === "string" ? this : to_string(this);
      if (self.length > MAX_BUILTIN_STRING) refuse(`String.prototype.${key}`, self.length, MAX_BUILTIN_STRING);
      if (also_argument && typeof args[0] === "string" && args[0].length > MAX_BUILTIN_STRING) {
        refuse(`String.prototype.${key}`, args[0].length, MAX_BUILTIN_STRING);
      }
      return apply(original, self, args);
    });
}

/** The default order (by UTF-16 code units of String(x)), written as a comparator V8 can interrupt. */
function default_order(a: unknown, b: unknown): number {
  const x = to_string(a);
  const y = to_string(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function bound_sort(key: "sort" | "toSorted"): void {
  wrap(Array.prototype, key, (original) =>
    function (this: unknown, ...args: unknown[]) {
      const length = (this as { length?: unknown } | null | undefined)?.length;
      if (args[0] === undefined && typeof length === "number" && length > SORT_NATIVE_MAX) return apply(original, this, [default_order]);
      return apply(original, this, args);
    });
}

export function harden_builtins(global: Record<string, unknown>): void {
  // The memory limit counts the JS heap, not a WebAssembly.Memory; the sandbox process also runs with
  // --no-expose-wasm, and this covers a process started without it.
  delete global.WebAssembly;
  // Growing a resizable buffer is not counted either (a 512 MB resize passed a 64 MB cap); the process runs
  // with --no-harmony-rab-gsab, and without resize/grow a buffer keeps the size it was counted at.
  for (const name of ["ArrayBuffer", "SharedArrayBuffer"]) {
    const proto = (global[name] as { prototype?: Record<string, unknown> } | undefined)?.prototype;
    if (proto !== undefined) for (const key of ["resize", "grow", "transfer", "transferToFixedLength"]) delete proto[key];
  }
  bound_string_method("normalize", false);
  bound_string_method("toLocaleUpperCase", false);
  bound_string_method("toLocaleLowerCase", false);
  bound_string_method("localeCompare", true);
  bound_sort("sort");
  bound_sort("toSorted");
  const Segmenter = (global.Intl as { Segmenter?: { prototype: object } } | undefined)?.Segmenter;
  if (Segmenter !== undefined) {
    wrap(Segmenter.prototype, "segment", (original) =>
      function (this: unknown, input: unknown) {
        const s = to_string(input);
        if (s.length > MAX_SEGMENTED) refuse("Intl.Segmenter.prototype.segment", s.length, MAX_SEGMENTED);
        return apply(original, this, [s]);
      });
  }
}
