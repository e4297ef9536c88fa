// What the server reads about its child processes from Linux's /proc: resident memory (of a sandbox process
// as a whole; of a compiler worker and its esbuild, a Go binary no Node flag caps), CPU time (a sandbox that
// stopped answering is busy or parked), and parentage (to kill an esbuild service only while it is ours).
// Reads of /proc are answered by the kernel at once, so they are synchronous.
import { readdirSync, readFileSync } from "node:fs";

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Resident set size in kB (0 once the process is gone). */
export function rss_kb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)/m.exec(read(`/proc/${pid}/status`) ?? "");
  return match ? Number(match[1]) : 0;
}

/** State letter, parent pid and CPU time (utime + stime, clock ticks) from /proc/<pid>/stat (its command name may hold spaces and parentheses). */
function stat(pid: number): { ppid: number; state: string; cpu_ticks: number } | null {
  const text = read(`/proc/${pid}/stat`);
  if (text === null) return null;
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0]!, ppid: Number(fields[1]), cpu_ticks: Number(fields[11]) + Number(fields[12]) };
}

/** CPU time the process has used, in clock ticks (null once it is gone). */
export function cpu_ticks(pid: number): number | null {
  return stat(pid)?.cpu_ticks ?? null;
}

/** Whether `pid` runs (not a zombie) as a child of `parent`. */
export function is_child(pid: number, parent: number): boolean {
  const s = stat(pid);
  return s !== null && s.ppid === parent && s.state !== "Z" && s.state !== "X";
}

/** Pids of the live processes whose parent is `parent`. */
export function children(parent: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => is_child(pid, parent));
}
