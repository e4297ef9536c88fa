// The scripted client sessions. Each name is stable: transcripts from different servers are compared by name.
// Paths and consumers are described in conformance/README.md.

import type { Scenario } from "./runner.ts";
import {
  burst,
  handshakeOnly,
  MIB,
  patternBytes,
  roundTrips,
  scenario,
  sendThenWaitClose,
  withClient,
} from "./scenario-helpers.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);

// A sentinel after each empty frame: if the empty frame were echoed it would arrive first, so no
// timing-based "did anything come back" wait is needed.
const emptyFrames = (name: string, path: string): Scenario =>
  withClient(name, `empty text and binary frames to ${path}, each followed by a sentinel`, path, async (s) => {
    s.send("");
    s.send("after-empty-text");
    await s.nextFrame();
    s.send(new Uint8Array(0));
    s.send(bytes(0x2a));
    await s.nextFrame();
    await s.expectNothing(300);
  });

const echoHappy = (name: string, path: string): Scenario =>
  withClient(name, `text (ASCII, non-ASCII) and binary round trips on ${path}`, path, (s) =>
    roundTrips(s, ["hello", "héllo wörld ✓ 👋", bytes(0, 1, 2, 0xfe, 0xff)]),
  );

const echoBurst = (name: string, path: string): Scenario =>
  withClient(name, `1,000 text frames sent back to back to ${path}; replies must come back in order`, path, (s) =>
    burst(s, 1000),
  );

const echoSize = (name: string, size: number): Scenario =>
  withClient(name, `one binary frame of ${size} bytes to /ws/echo/ (Daphne 4.2 caps at 1 MiB; 4.0 has no cap)`, "/ws/echo/", (s) =>
    roundTrips(s, [patternBytes(size)], 10_000),
  );

const clientClose = (name: string, code: number | undefined): Scenario =>
  scenario(name, `client closes /ws/echo/ with ${code ?? "an empty close frame"}; records the server's reply code`, async (ctx) => {
    const s = await ctx.connect("/ws/echo/");
    if (!s.isOpen) return;
    await roundTrips(s, ["before close"]);
    s.close(code);
    await s.waitClose();
  });

const subproto = (name: string, protocols: string[]): Scenario =>
  withClient(name, `offer [${protocols.join(", ")}] to /ws/subproto/`, "/ws/subproto/", (s) => roundTrips(s, ["which?"]), protocols);

export const SCENARIOS: readonly Scenario[] = [
  // Plain HTTP through the same ProtocolTypeRouter.
  scenario("http-get-index", "GET / is served by Django's ASGI handler", async (ctx) => {
    await ctx.httpGet("/");
  }),
  scenario("http-get-unknown", "GET of an unrouted URL is Django's 404", async (ctx) => {
    await ctx.httpGet("/nope/");
  }),

  // Handshake outcomes decided by the application.
  handshakeOnly("seed-never-accepts", "SyncConsumer that never accepts: no answer, TCP reset at the handshake timeout", "/ws/seed/"),
  handshakeOnly("reject", "close() in connect: HTTP 403 with no headers", "/ws/reject/"),
  handshakeOnly("no-route", "unrouted ws path: the router raises, HTTP 500", "/ws/nope/"),
  handshakeOnly("chat-bad-room", "room with a '-' fails the \\w+ regex: no route, HTTP 500", "/ws/chat/bad-room/"),
  handshakeOnly("connect-boom", "exception in connect: HTTP 500", "/ws/connect-boom/"),
  handshakeOnly("send-before-accept", "send in connect before accept: app error, HTTP 500", "/ws/send-before-accept/"),

  // Subprotocol negotiation.
  subproto("subproto-offered", ["chat.v2"]),
  subproto("subproto-offered-several", ["chat.v1", "chat.v2"]),
  subproto("subproto-not-offered", []),
  // The server accepts without a subprotocol; `ws` (like browsers) then refuses the 101.
  subproto("subproto-unpicked", ["other.v1"]),

  // Echo happy paths, sync and async.
  echoHappy("echo-text-binary", "/ws/echo/"),
  echoHappy("async-echo-text-binary", "/ws/async-echo/"),
  emptyFrames("echo-empty-frames", "/ws/echo/"),
  emptyFrames("async-echo-empty-frames", "/ws/async-echo/"),
  echoBurst("echo-burst-1000", "/ws/echo/"),
  echoBurst("async-echo-burst-1000", "/ws/async-echo/"),
  echoSize("echo-1mib", MIB),
  echoSize("echo-1mib-plus-1", MIB + 1),

  // JSON consumer: Python json.dumps formatting on the way out, crashes on undecodable input.
  withClient("json-valid", "objects, arrays and scalars round-trip through json.loads/json.dumps", "/ws/json/", (s) =>
    roundTrips(s, ['{"a":[1,2],"b":"é","c":null}', "[1,2.5,true]", "null", '"just a string"']),
  ),
  sendThenWaitClose("json-invalid", "undecodable JSON crashes the consumer: close 1011", "/ws/json/", "{not json"),
  sendThenWaitClose("json-binary", "a binary frame has no text section: close 1011", "/ws/json/", bytes(123, 125)),
  sendThenWaitClose("json-empty-text", "an empty text frame reaches the consumer (only outbound empties are dropped) and fails its `if text_data:` check: close 1011", "/ws/json/", ""),

  // Groups over the in-memory channel layer.
  scenario("chat-broadcast", "two clients in room lobby, one in room other; text fans out per room, binary is ignored", async (ctx) => {
    const alice = await ctx.connect("/ws/chat/lobby/", { label: "alice" });
    const bob = await ctx.connect("/ws/chat/lobby/", { label: "bob" });
    const carol = await ctx.connect("/ws/chat/other/", { label: "carol" });
    if (!alice.isOpen || !bob.isOpen || !carol.isOpen) return;
    alice.send("hello from alice");
    await Promise.all([alice.nextFrame(), bob.nextFrame(), carol.expectNothing(500)]);
    bob.send(bytes(1, 2, 3));
    await Promise.all([alice.expectNothing(500), bob.expectNothing(500), carol.expectNothing(500)]);
    carol.send("hello from carol");
    await Promise.all([alice.expectNothing(500), bob.expectNothing(500), carol.nextFrame()]);
    for (const s of [alice, bob, carol]) s.close(1000);
    await Promise.all([alice.waitClose(), bob.waitClose(), carol.waitClose()]);
  }),

  // Closing and errors after accept.
  sendThenWaitClose("boom", "exception in receive: close 1011, no disconnect()", "/ws/boom/", "explode"),
  sendThenWaitClose("close-code", "self.close(4001) on receive: close frame 4001", "/ws/close-code/", "please close"),
  sendThenWaitClose("bad-close", "self.close(1001) after accept: autobahn refuses the code, app crashes, 1011", "/ws/bad-close/", "please close"),
  clientClose("client-close-1000", 1000),
  clientClose("client-close-4001", 4001),
  clientClose("client-close-empty", undefined),
];
