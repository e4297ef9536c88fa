import { describe, expect, it } from "vitest";
import { parse_ops } from "./app-ops.ts";
import { json_violation } from "./json-limits.ts";

const deep = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

const good = {
  send: { op: "send", cid: "c1", message: { type: "websocket.send", text: "hi" } },
  accept: { op: "send", cid: "c1", message: { type: "websocket.accept", subprotocol: null, headers: [["x-a", "1"]] } },
  bytes: { op: "send", cid: "c1", message: { type: "websocket.send", bytes: { $b: 0 } } },
  b64: { op: "send", cid: "c1", message: { type: "websocket.send", bytes: { $b64: "aGk=" } } },
  end: { op: "end", cid: "c1", error: null },
  error: { op: "end", cid: "c1", error: { name: "ValueError", message: "no", stack: "" } },
  trace: { op: "trace", entry: { kind: "console", level: "log", text: "x" } },
};

describe("parse_ops", () => {
  it("takes every op the runtimes write", () => {
    for (const [name, op] of Object.entries(good)) expect(parse_ops([op])[0], name).toEqual({ ...op, size: expect.any(Number) });
  });

  // Each field of each op, with a wrong type, null, something huge and something deeply nested.
  const bad: Array<[string, unknown, string | undefined]> = [
    ["not an object", 5, undefined],
    ["null", null, undefined],
    ["unknown op", { op: "eval", cid: "c1" }, "c1"],
    ["cid a number", { ...good.send, cid: 7 }, undefined],
    ["cid huge", { ...good.send, cid: "c".repeat(100_000) }, undefined],
    ["message null", { ...good.send, message: null }, "c1"],
    ["unknown message type", { ...good.send, message: { type: "http.response.start" } }, "c1"],
    ["bytes null", { ...good.send, message: { type: "websocket.send", bytes: null } }, "c1"],
    ["bytes ref a string", { ...good.send, message: { type: "websocket.send", bytes: { $b: "0" } } }, "c1"],
    ["bytes not base64", { ...good.send, message: { type: "websocket.send", bytes: { $b64: "!!" } } }, "c1"],
    ["text a number", { ...good.send, message: { type: "websocket.send", text: 5 } }, "c1"],
    ["text huge", { ...good.send, message: { type: "websocket.send", text: "x".repeat(5 * 1024 * 1024) } }, "c1"],
    ["headers [5]", { ...good.accept, message: { type: "websocket.accept", headers: [5] } }, "c1"],
    ["header value an object", { ...good.accept, message: { type: "websocket.accept", headers: [["a", { toString: 1 }]] } }, "c1"],
    ["subprotocol a number", { ...good.accept, message: { type: "websocket.accept", subprotocol: 1 } }, "c1"],
    ["close code a string", { ...good.send, message: { type: "websocket.close", code: "1000" } }, "c1"],
    ["an extra key", { ...good.send, message: { type: "websocket.send", text: "x", then: "evil" } }, "c1"],
    ["end error a string", { ...good.end, error: "boom" }, "c1"],
    ["error.stack a number", { ...good.end, error: { name: "E", message: "m", stack: 5 } }, "c1"],
    ["error.message huge", { ...good.end, error: { name: "E", message: "m".repeat(20_000), stack: "" } }, "c1"],
    ["trace entry null", { op: "trace", entry: null }, undefined],
    ["trace entry without kind", { op: "trace", entry: {} }, undefined],
    ["trace entry 100,000 deep", { op: "trace", entry: { kind: "console", text: deep(100_000) } }, undefined],
    ["trace entry of 1 MB", { op: "trace", entry: { kind: "console", text: "x".repeat(1024 * 1024) } }, undefined],
    ["send 100,000 deep", { ...good.send, message: deep(100_000) }, "c1"],
  ];
  for (const [name, op, cid] of bad) {
    it(`refuses ${name}, naming the connection it can`, () => {
      const [parsed] = parse_ops([op]);
      expect(parsed!.op).toBe("bad");
      expect((parsed as { cid?: string }).cid).toBe(cid);
      expect((parsed as { reason: string }).reason.length).toBeGreaterThan(0);
    });
  }

  it("refuses a batch that is not a list, and what is past the batch limit", () => {
    expect(parse_ops({ length: 1, 0: good.send })).toEqual([{ op: "bad", reason: "the ops are not a list" }]);
    const many = parse_ops(Array.from({ length: 10_005 }, () => good.end));
    expect(many.length).toBe(10_001);
    expect(many.at(-1)).toMatchObject({ op: "bad" });
  });
});

describe("json_violation", () => {
  it("bounds depth and size without recursing, and refuses what is not plain data", () => {
    expect(json_violation(deep(1_000_000), { depth: 64, size: 1e9 })).toMatch(/deeper than 64/);
    expect(json_violation({ a: "x".repeat(100) }, { depth: 4, size: 50 })).toMatch(/larger than 50/);
    expect(json_violation({ a: new Map() }, { depth: 4, size: 1000 })).toMatch(/not plain data/);
    expect(json_violation([Infinity], { depth: 4, size: 1000 })).toMatch(/not finite/);
    expect(json_violation({ a: [1, "b", null, true, { c: [] }] }, { depth: 4, size: 1000 })).toBeNull();
  });
});
