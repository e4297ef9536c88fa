// Pyodide in Node with our Python packages installed: for the Python package's tests.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide, type PyodideInterface } from "pyodide";
import { install_packages } from "./install.ts";

const ROOT = fileURLToPath(new URL(".", import.meta.url));

/** Every .py file under python/ (tests included), by path relative to python/. */
export function python_sources(dir = ROOT): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(files, python_sources(full));
    else if (name.endsWith(".py")) files[relative(ROOT, full)] = readFileSync(full, "utf8");
  }
  return files;
}

export async function python_with_packages(stdout: (line: string) => void = () => {}): Promise<PyodideInterface> {
  const py = await loadPyodide({ stdout, stderr: stdout });
  // The gallery's table of cases, which the Python suite runs as the TypeScript one does (test_gallery_cases.py).
  const cases = readFileSync(new URL("../server/examples/gallery-cases.json", import.meta.url), "utf8");
  install_packages(py, { ...python_sources(), "gallery-cases.json": cases });
  return py;
}
