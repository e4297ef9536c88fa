// What a sandbox process may tell the server, as one strict schema. The process is ours but runs learner
// code in its isolate, so the server parses every message before acting on it; the ops inside "ops" are
// parsed again, one by one (app-ops.ts). Server-side only: the sandbox process never loads zod.
import { z } from "zod";
import { ErrorData } from "../app-ops.ts";
import { Suspect } from "../protocol.ts";
import { MAX_FLUSH_PAYLOADS } from "./ipc.ts";

const Version = z.number().int().nonnegative();

export const FromSandbox = z.union([
  z.strictObject({
    t: z.literal("loaded"), version: Version, ok: z.literal(true), exports: z.array(z.string().max(300)).max(1000), ms: z.number().nonnegative(),
  }),
  z.strictObject({ t: z.literal("loaded"), version: Version, ok: z.literal(false), error: ErrorData }),
  /** `ops` is the JSON of the isolate's ops (no timer ops), parsed op by op by the server. */
  z.strictObject({ t: z.literal("ops"), version: Version, ops: z.string(), bytes: z.array(z.custom<Uint8Array>((b) => b instanceof Uint8Array)).max(MAX_FLUSH_PAYLOADS) }),
  /** The isolate was stopped (its connections are gone); `suspect` names what was running. */
  z.strictObject({ t: z.literal("stopped"), version: Version, reason: z.enum(["timeout", "memory", "crashed"]), detail: z.string().max(2000), suspect: Suspect }),
  z.strictObject({ t: z.literal("pong"), id: z.number() }),
]);
export type FromSandbox = z.infer<typeof FromSandbox>;
