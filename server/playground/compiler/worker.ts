// A compiler worker: a child process of the server with its own esbuild service, so that input which makes
// esbuild crash, spin or grow takes down only this process (the pool kills and replaces it).
import child_process, { type ChildProcess } from "node:child_process";
import { build_learner, service_alive } from "./build.ts";
import { EXIT_SERVICE_CRASHED, EXIT_SERVICE_KILLED, type FromWorker, type ToWorker } from "./ipc.ts";

const send = (message: FromWorker) => process.send!(message);

/**
 * esbuild's Node API keeps its service process to itself; the pool needs its pid (to measure and kill it)
 * and this worker needs its exit (a dead service fails every later build). esbuild starts it with
 * child_process.spawn on the first build, so that one call is watched.
 */
async function start_service(): Promise<ChildProcess | null> {
  const spawn = child_process.spawn;
  let service: ChildProcess | null = null;
  child_process.spawn = function (this: unknown, ...args: Parameters<typeof spawn>) {
    const child = spawn.apply(this, args);
    service ??= child;
    return child;
  } as typeof spawn;
  try {
    await build_learner("");
  } finally {
    child_process.spawn = spawn;
  }
  return service;
}

const service = await start_service();
if (service !== null && (service.exitCode !== null || service.signalCode !== null)) process.exit(EXIT_SERVICE_CRASHED);
// A dead service fails every later build: leave, and the pool starts a fresh worker.
service?.once("exit", (_code, signal) => process.exit(signal === null ? EXIT_SERVICE_CRASHED : EXIT_SERVICE_KILLED));
// The server went away (or closed the pool): take the service down too, even mid-compile.
// A reply under way when the server goes fails with EPIPE, reported as the process's "error"; "disconnect" ends it.
process.on("error", () => {});
process.once("disconnect", () => {
  service?.kill("SIGKILL");
  process.exit(0);
});

process.on("message", async (message: ToWorker) => {
  if (message.t !== "compile") return;
  const built = await build_learner(message.source);
  if (!built.ok && !(await service_alive())) {
    // The build failed because the service died: its exit (and how it died) is on its way; leave then.
    if (service === null) process.exit(EXIT_SERVICE_CRASHED);
    setTimeout(() => {
      service.kill("SIGKILL");
      process.exit(EXIT_SERVICE_CRASHED);
    }, 1000);
    return;
  }
  send({ t: "done", id: message.id, built });
});

send({ t: "ready", esbuild_pid: service?.pid ?? null });
