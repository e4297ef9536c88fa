// Python's copy.deepcopy for channel-layer messages (structuredClone is missing in a bare isolate):
// containers and byte arrays are copied, functions and primitives are shared, cycles are preserved.

export function deepcopy<T>(value: T, memo: Map<object, unknown> = new Map()): T {
  if (value === null || typeof value !== "object") return value;
  const obj = value as object;
  const done = memo.get(obj);
  if (done !== undefined) return done as T;
  if (Array.isArray(obj)) {
    const out: unknown[] = [];
    memo.set(obj, out);
    for (const item of obj) out.push(deepcopy(item, memo));
    return out as T;
  }
  if (ArrayBuffer.isView(obj)) {
    const view = obj as unknown as { slice(): object };
    const out = view.slice();
    memo.set(obj, out);
    return out as T;
  }
  if (obj instanceof Map) {
    const out = new Map();
    memo.set(obj, out);
    for (const [k, v] of obj) out.set(deepcopy(k, memo), deepcopy(v, memo));
    return out as T;
  }
  if (obj instanceof Set) {
    const out = new Set();
    memo.set(obj, out);
    for (const v of obj) out.add(deepcopy(v, memo));
    return out as T;
  }
  if (obj instanceof Date) return new Date(obj.getTime()) as T;
  const out = Object.create(Object.getPrototypeOf(obj)) as Record<string, unknown>;
  memo.set(obj, out);
  for (const key of Object.keys(obj)) out[key] = deepcopy((obj as Record<string, unknown>)[key], memo);
  return out as T;
}
