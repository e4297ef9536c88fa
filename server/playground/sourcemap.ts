// Stack traces from the sandbox, pointed back at the learner's own lines.
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { LEARNER_FILE, LEARNER_SCRIPT } from "./compile.ts";

const FRAME = new RegExp(`${LEARNER_SCRIPT.replace(".", "\\.")}:(\\d+):(\\d+)`, "g");

export class StackMapper {
  private readonly map: TraceMap;

  constructor(source_map: string) {
    this.map = new TraceMap(source_map);
  }

  /** Rewrites consumer.js:L:C positions to consumer.ts:L:C and drops the sandbox runtime's own frames. */
  map_stack(stack: string): string {
    const lines = stack.split("\n").map((line) =>
      line.replace(FRAME, (whole, l: string, c: string) => {
        const pos = originalPositionFor(this.map, { line: Number(l), column: Number(c) - 1 });
        return pos.line === null ? whole : `${LEARNER_FILE}:${pos.line}:${pos.column + 1}`;
      }),
    );
    const head = lines.filter((line) => !line.trimStart().startsWith("at "));
    const frames = lines.filter((line) => line.trimStart().startsWith("at ") && line.includes(LEARNER_FILE));
    return [...head, ...frames].join("\n");
  }

  /** The first learner position in a stack, for an editor marker. */
  first_position(stack: string): { line: number; column: number } | null {
    const m = new RegExp(`${LEARNER_FILE.replace(".", "\\.")}:(\\d+):(\\d+)`).exec(this.map_stack(stack));
    return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
  }
}
