// Plays every scenario against the real Daphne and against our server with the example app, and compares
// what the client saw. A difference is a failure unless it is a deliberate deviation listed here (and in
// the README), whose own check pins what our server does instead.
import { isDeepStrictEqual } from "node:util";
import { application } from "../server/examples/asgi.ts";
import type { Logger } from "../server/protocol/context.ts";
import { ProtocolServer } from "../server/protocol/server.ts";
import { startDaphne } from "./daphne.ts";
import { runScenarios } from "./runner.ts";
import type { ClientTranscript, Transcript } from "./transcript.ts";

interface Deviation {
  why: string;
  /** What our server must do instead; a deviation that drifts from its description fails too. */
  ours(transcript: Transcript): boolean;
}

const client = (t: Transcript) => t.client as ClientTranscript;

export const DEVIATIONS: Record<string, Deviation> = {
  "echo-1mib-plus-1": {
    why: "Messages over 1 MiB close with 1009 (Daphne 4.2's limit; 4.0 has none).",
    ours: (t) => client(t).close?.code === 1009 && client(t).close?.initiator === "server",
  },
  "client-close-4001": {
    why: "The server's reply to a client's close frame echoes the client's code (RFC 6455 5.5.1); autobahn always replies 1000.",
    ours: (t) => client(t).close?.code === 4001,
  },
  "client-close-empty": {
    why: "The reply to an empty close frame is an empty close frame (the client reports 1005); autobahn replies 1000.",
    ours: (t) => client(t).close?.code === 1005,
  },
};

export interface Comparison {
  scenarios: number;
  matched: string[];
  deviations: Array<{ name: string; why: string }>;
  failures: Array<{ name: string; daphne: Transcript; ours: Transcript; note: string }>;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export async function compare_with_daphne(options: { concurrency?: number } = {}): Promise<Comparison> {
  const ours = new ProtocolServer(application, { logger: quiet });
  const { port } = await ours.listen(0, "127.0.0.1");
  const daphne = await startDaphne();
  try {
    const run = { concurrency: options.concurrency ?? 4 };
    const [theirs, mine] = await Promise.all([
      runScenarios(daphne.url, undefined, run),
      runScenarios(`ws://127.0.0.1:${port}`, undefined, run),
    ]);
    const result: Comparison = { scenarios: Object.keys(theirs).length, matched: [], deviations: [], failures: [] };
    for (const name of Object.keys(theirs)) {
      const deviation = DEVIATIONS[name];
      if (isDeepStrictEqual(theirs[name], mine[name])) {
        if (deviation) result.failures.push({ name, daphne: theirs[name]!, ours: mine[name]!, note: "listed as a deviation but now identical" });
        else result.matched.push(name);
      } else if (deviation && deviation.ours(mine[name]!)) {
        result.deviations.push({ name, why: deviation.why });
      } else {
        result.failures.push({ name, daphne: theirs[name]!, ours: mine[name]!, note: deviation ? "differs from its listed deviation" : "differs" });
      }
    }
    return result;
  } finally {
    await daphne.stop();
    await ours.close();
  }
}
