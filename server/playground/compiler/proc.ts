// What the pool reads about its workers' processes from Linux's /proc: resident memory (esbuild is a Go
// binary, so no Node flag caps it) and parentage (to kill an esbuild service only while it is still ours).
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

/** The parent pid and state letter from /proc/<pid>/stat (its command name may hold spaces and parentheses). */
function stat(pid: number): { ppid: number; state: string } | null {
  const text = read(`/proc/${pid}/stat`);
  if (text === null) return null;
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0]!, ppid: Number(fields[1]) };
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
