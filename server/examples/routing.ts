// The example app's websocket routes (a Channels project's routing.py).
import { path, re_path } from "../channels/index.ts";
import * as consumers from "./consumers.ts";

export const websocket_urlpatterns = [
  path("ws/seed/", consumers.MySyncConsumer.as_asgi()),
  path("ws/echo/", consumers.EchoConsumer.as_asgi()),
  path("ws/async-echo/", consumers.AsyncEchoConsumer.as_asgi()),
  path("ws/json/", consumers.JsonEchoConsumer.as_asgi()),
  re_path(String.raw`^ws/chat/(?P<room>\w+)/$`, consumers.ChatConsumer.as_asgi()),
  path("ws/reject/", consumers.RejectConsumer.as_asgi()),
  path("ws/subproto/", consumers.SubprotocolConsumer.as_asgi()),
  path("ws/boom/", consumers.BoomConsumer.as_asgi()),
  path("ws/close-code/", consumers.CloseCodeConsumer.as_asgi()),
  path("ws/send-before-accept/", consumers.SendBeforeAcceptConsumer.as_asgi()),
  path("ws/bad-close/", consumers.BadCloseConsumer.as_asgi()),
  path("ws/connect-boom/", consumers.ConnectBoomConsumer.as_asgi()),
];
