// One-click fixes the hints offer: small edits to the learner's code.

interface ClassInfo {
  name: string;
  base: string;
  /** Index of the class body's closing brace. */
  end: number;
}

function classes(code: string): ClassInfo[] {
  const found: ClassInfo[] = [];
  const header = /class\s+(\w+)\s+extends\s+(\w+)\s*\{/g;
  for (let m = header.exec(code); m !== null; m = header.exec(code)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < code.length && depth > 0; i++) {
      if (code[i] === "{") depth++;
      else if (code[i] === "}") depth--;
    }
    found.push({ name: m[1]!, base: m[2]!, end: i - 1 });
  }
  return found;
}

const is_async = (base: string) => base.startsWith("Async");
const is_generic = (base: string) => /Websocket|Json/.test(base);

function insert_after_open(code: string, method: RegExp, line: string): string | null {
  const m = method.exec(code);
  if (m === null) return null;
  const at = m.index + m[0].length;
  const indent = /\n([ \t]*)\S/.exec(code.slice(at))?.[1] ?? "    ";
  return `${code.slice(0, at)}\n${indent}${line}${code.slice(at)}`;
}

// ---- Python: a class's body is what is indented under its header ----

function python_classes(code: string): ClassInfo[] {
  const found: ClassInfo[] = [];
  const header = /^([ \t]*)class\s+(\w+)\s*\(\s*([\w.]+)[^)]*\)\s*:[^\n]*\n/gm;
  for (let m = header.exec(code); m !== null; m = header.exec(code)) {
    const indent = m[1]!.length;
    let end = m.index + m[0].length;
    for (const line of code.slice(end).split("\n")) {
      if (line.trim() !== "" && line.length - line.trimStart().length <= indent) break;
      end += line.length + 1;
    }
    found.push({ name: m[2]!, base: m[3]!.split(".").pop()!, end: Math.min(end, code.length) });
  }
  return found;
}

function insert_after_def(code: string, def: RegExp, line: string): string | null {
  const m = def.exec(code);
  if (m === null) return null;
  const at = m.index + m[0].length;
  const indent = /^([ \t]*)\S/m.exec(code.slice(at))?.[1] ?? "        ";
  return `${code.slice(0, at)}${indent}${line}\n${code.slice(at)}`;
}

function python_accept(code: string, info: ClassInfo): string | null {
  const wait = is_async(info.base) ? "await " : "";
  if (is_generic(info.base)) return insert_after_def(code, /^[ \t]*(?:async\s+)?def\s+connect\s*\(\s*self\s*\)\s*:[^\n]*\n/m, `${wait}self.accept()`);
  return insert_after_def(code, /^[ \t]*(?:async\s+)?def\s+websocket_connect\s*\([^)]*\)\s*:[^\n]*\n/m, `${wait}self.send({"type": "websocket.accept"})`);
}

function python_handler(code: string, info: ClassInfo, type: string): string {
  const method = `\n    ${is_async(info.base) ? "async " : ""}def ${type.replace(/\./g, "_")}(self, event):\n        print("${type}", event)\n`;
  const rest = code.slice(info.end);
  return `${code.slice(0, info.end).replace(/\s*$/, "\n")}${method}${rest.trim() === "" ? "" : `\n${rest}`}`;
}

/** Makes the consumer accept in its connect handler. */
export function add_accept(code: string, consumer?: string): string | null {
  const python = python_classes(code);
  if (python.length > 0) return python_accept(code, python.find((c) => consumer === undefined || c.name === consumer) ?? python[0]!);
  const info = classes(code).find((c) => consumer === undefined || c.name === consumer) ?? classes(code)[0];
  if (info === undefined) return null;
  const wait = is_async(info.base) ? "await " : "";
  if (is_generic(info.base)) {
    return insert_after_open(code, /(?:async\s+)?connect\s*\([^)]*\)\s*(?::\s*[\w<>]+\s*)?\{/, `${wait}this.accept();`);
  }
  return insert_after_open(code, /(?:async\s+)?websocket_connect\s*\([^)]*\)\s*(?::\s*[\w<>]+\s*)?\{/, `${wait}this.send({ type: "websocket.accept" });`);
}

/** Adds a handler method for a message type (`chat.message` -> `chat_message`). */
export function add_handler(code: string, type: string, consumer?: string): string | null {
  const python = python_classes(code);
  if (python.length > 0) return python_handler(code, python.find((c) => consumer === undefined || c.name === consumer) ?? python[0]!, type);
  const info = classes(code).find((c) => consumer === undefined || c.name === consumer) ?? classes(code)[0];
  if (info === undefined) return null;
  const name = type.replace(/\./g, "_");
  const method = `\n  ${is_async(info.base) ? "async " : ""}${name}(event) {\n    console.log("${type}", event);\n  }\n`;
  return `${code.slice(0, info.end).replace(/\s*$/, "\n")}${method}${code.slice(info.end)}`;
}
