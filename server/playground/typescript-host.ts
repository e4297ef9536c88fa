// A TypeScript session's app host: the learner's module compiled (compile.ts) and run in the session's
// sandbox process (supervisor.ts), its stacks mapped back to the learner's lines.
import type { AppHost, HostLoad } from "./app-host.ts";
import { compile_learner, LEARNER_FILE, runtime_script } from "./compile.ts";
import type { SandboxLimits } from "./sandbox/ipc.ts";
import type { SandboxEvent } from "./sandbox/ops.ts";
import { StackMapper } from "./sourcemap.ts";
import { SandboxProcess, type SandboxListener } from "./supervisor.ts";

interface Unit {
  source: string;
  code: string;
  mapper: StackMapper;
}

export class TypeScriptHost implements AppHost {
  readonly language = "typescript" as const;
  private readonly sandbox: SandboxProcess;
  /** What the sandbox serves: loading the same source again (after a stop) needs no compile. */
  private serving: Unit | null = null;

  constructor(listener: SandboxListener, private readonly limits: SandboxLimits) {
    this.sandbox = new SandboxProcess(listener, limits);
    this.sandbox.set_tracing(false);
  }

  async load(version: number, source: string): Promise<HostLoad> {
    let unit = this.serving?.source === source ? this.serving : null;
    if (unit === null) {
      const compiled = await compile_learner(source);
      if (!compiled.ok) {
        const first = compiled.diagnostics[0]!;
        return {
          ok: false, stage: "compile", code: compiled.code, message: `Compile error: ${first.message}`,
          stack: `${LEARNER_FILE}:${first.line}:${first.column}`, diagnostics: compiled.diagnostics,
        };
      }
      unit = { source, code: compiled.code, mapper: new StackMapper(compiled.source_map) };
    }
    const outcome = await this.sandbox.load(version, await runtime_script(), unit.code);
    if (!outcome.ok) {
      const message = `${outcome.error.name}: ${outcome.error.message}`;
      const at = unit.mapper.first_position(outcome.error.stack);
      return {
        ok: false, stage: "load", code: "LOAD_ERROR", message, stack: unit.mapper.map_stack(outcome.error.stack || message),
        diagnostics: at ? [{ ...at, message, severity: "error" }] : [],
      };
    }
    this.serving = unit;
    return { ok: true, detail: `exports: ${outcome.exports.join(", ") || "(none)"}` };
  }

  unavailable(): string | null {
    return null;
  }

  event(event: SandboxEvent, bytes?: Uint8Array): void {
    this.sandbox.event(event, bytes);
  }

  backlog(): Promise<void> | null {
    return this.sandbox.backlog();
  }

  map_stack(stack: string): string {
    return this.serving?.mapper.map_stack(stack) ?? stack;
  }

  stop_text(reason: "memory" | "crashed", detail: string): string {
    return reason === "memory"
      ? `the session went over its ${this.limits.memory_mb} MB memory limit and was stopped (${detail})`
      : `the sandbox stopped: ${detail}`;
  }

  set_tracing(on: boolean): void {
    this.sandbox.set_tracing(on);
  }

  attach(): boolean {
    return false; // the sandbox runs on the server, whoever watches
  }

  detach(): void {}

  from_viewer(): void {}

  retire(): void {
    // The process stays: switching back reuses it.
  }

  close(): void {
    this.sandbox.close();
  }
}
