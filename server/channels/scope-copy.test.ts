import { describe, expect, it } from "vitest";
import { copy_scope, lazy_keys } from "./scope-copy.ts";
import { StopConsumer, type WebSocketScope } from "./index.ts";

function lazy_scope(): { scope: WebSocketScope; computed: string[] } {
  const computed: string[] = [];
  const scope = { type: "websocket", path: "/x/", subprotocols: [] } as unknown as WebSocketScope;
  lazy_keys(scope, {
    keys: ["headers", "query_string"],
    compute(key) {
      computed.push(key);
      return key === "headers" ? [[Uint8Array.of(104), Uint8Array.of(1)]] : Uint8Array.of(113);
    },
  });
  return { scope, computed };
}

describe("copy_scope", () => {
  it("copies like dict(scope, **extra), keeping lazy keys lazy and computing each once for all copies", () => {
    const { scope, computed } = lazy_scope();
    const copy = copy_scope(scope, { path_remaining: "", url_route: { args: [], kwargs: {} } });
    expect(computed).toEqual([]);
    expect(copy.path_remaining).toBe("");
    expect(Object.keys(copy)).toEqual(["type", "path", "subprotocols", "headers", "query_string", "path_remaining", "url_route"]);
    expect(copy.headers).toBe(scope.headers);
    expect(copy_scope(copy).headers).toBe(scope.headers);
    expect(computed).toEqual(["headers"]);
  });

  it("keeps an assignment on the copy it was made on, as with a plain dict", () => {
    const { scope } = lazy_scope();
    const copy = copy_scope(scope);
    copy.headers = [];
    expect(copy.headers).toEqual([]);
    expect(scope.headers).toHaveLength(1);
    expect(copy_scope(copy).headers).toEqual([]);
  });

  it("gives a spread copy the values themselves", () => {
    const { scope } = lazy_scope();
    const spread = { ...scope };
    expect(Object.getOwnPropertyDescriptor(spread, "query_string")!.value).toEqual(Uint8Array.of(113));
  });
});

it("raises control-flow exceptions without the cost of a stack trace, still as Errors", () => {
  const stop = new StopConsumer();
  expect(stop).toBeInstanceOf(Error);
  expect(stop.name).toBe("StopConsumer");
  expect(Error.stackTraceLimit).toBeGreaterThan(0);
});
