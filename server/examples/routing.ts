// The example app's websocket routes (a Channels project's routing.py).
import { path, re_path } from "channels";
import { AsyncEchoConsumer } from "./async-echo.ts";
import { BoomConsumer } from "./boom.ts";
import { ChatConsumer } from "./chat.ts";
import { CloseCodeConsumer } from "./close-code.ts";
import { DirectConsumer } from "./direct.ts";
import { EchoConsumer } from "./echo.ts";
import { BadCloseConsumer, ConnectBoomConsumer, SendBeforeAcceptConsumer } from "./errors.ts";
import { JsonEchoConsumer } from "./json.ts";
import { RejectConsumer } from "./reject.ts";
import { MySyncConsumer } from "./seed.ts";
import { SubprotocolConsumer } from "./subprotocol.ts";

export const websocket_urlpatterns = [
  path("ws/seed/", MySyncConsumer.as_asgi()),
  path("ws/echo/", EchoConsumer.as_asgi()),
  path("ws/async-echo/", AsyncEchoConsumer.as_asgi()),
  path("ws/json/", JsonEchoConsumer.as_asgi()),
  re_path(String.raw`^ws/chat/(?P<room>\w+)/$`, ChatConsumer.as_asgi()),
  path("ws/direct/", DirectConsumer.as_asgi()),
  path("ws/reject/", RejectConsumer.as_asgi()),
  path("ws/subproto/", SubprotocolConsumer.as_asgi()),
  path("ws/boom/", BoomConsumer.as_asgi()),
  path("ws/close-code/", CloseCodeConsumer.as_asgi()),
  path("ws/send-before-accept/", SendBeforeAcceptConsumer.as_asgi()),
  path("ws/bad-close/", BadCloseConsumer.as_asgi()),
  path("ws/connect-boom/", ConnectBoomConsumer.as_asgi()),
];
