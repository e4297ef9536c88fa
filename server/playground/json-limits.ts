// Depth and size bounds for data that crosses a trust boundary (a control socket, a sandbox process, a Python
// tab). JSON.parse is iterative and takes any depth, but JSON.stringify, zod and every later reader recurse:
// a value 100,000 levels deep that is passed on would throw far from where it came in. So every schema at a
// boundary checks this first, without recursion. No Node imports: the UI uses it too.

export interface JsonLimits {
  /** Nesting levels, the outermost value counting as 1. */
  depth: number;
  /** An upper estimate of the value's JSON length, in characters. */
  size: number;
}

/** Why `value` is not plain JSON data within `limits`, or null when it is. */
export function json_violation(value: unknown, limits: JsonLimits): string | null {
  return json_measure(value, limits).violation;
}

/** The same walk, also giving the size estimate (what a budget in bytes counts before serializing). */
export function json_measure(value: unknown, limits: JsonLimits): { violation: string | null; size: number } {
  const violation = walk(value, limits);
  return typeof violation === "number" ? { violation: null, size: violation } : { violation, size: 0 };
}

function walk(value: unknown, limits: JsonLimits): string | number {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let size = 0;
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (depth > limits.depth) return `nested deeper than ${limits.depth} levels`;
    switch (typeof item) {
      case "string": size += item.length + 2; break;
      case "number":
        if (!Number.isFinite(item)) return "a number that is not finite";
        size += 8;
        break;
      case "boolean": size += 5; break;
      case "object": {
        if (item === null) {
          size += 4;
          break;
        }
        if (Array.isArray(item)) {
          size += 2 + item.length;
          for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], depth + 1]);
          break;
        }
        const proto = Object.getPrototypeOf(item) as unknown;
        if (proto !== Object.prototype && proto !== null) return "an object that is not plain data";
        size += 2;
        for (const key of Object.keys(item)) {
          size += key.length + 4;
          stack.push([(item as Record<string, unknown>)[key], depth + 1]);
        }
        break;
      }
      default: return `a value of type ${typeof item}`;
    }
    if (size > limits.size) return `larger than ${limits.size} characters`;
  }
  return size;
}

/** Whether `value` is plain JSON data within `limits`. */
export const json_within = (value: unknown, limits: JsonLimits): boolean => json_violation(value, limits) === null;
