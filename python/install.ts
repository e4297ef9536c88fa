// Puts our Python packages (channels, django.urls, asgiref.sync) into a Pyodide's file system and on sys.path.
// Runtime-neutral: the browser worker passes the sources Vite bundled, Node tests the files read from disk.
import type { PyodideInterface } from "pyodide";

export const SITE = "/home/pyodide/site";

/** `files` maps a path relative to python/ (e.g. "channels/consumer.py") to its source. */
export function install_packages(py: PyodideInterface, files: Record<string, string>): void {
  for (const [path, source] of Object.entries(files)) {
    const full = `${SITE}/${path}`;
    py.FS.mkdirTree(full.slice(0, full.lastIndexOf("/")));
    py.FS.writeFile(full, source);
  }
  py.runPython(`import sys\nif ${JSON.stringify(SITE)} not in sys.path: sys.path.insert(0, ${JSON.stringify(SITE)})`);
}
