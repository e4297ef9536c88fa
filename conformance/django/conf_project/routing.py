from django.urls import path, re_path

from . import consumers

websocket_urlpatterns = [
    path("ws/seed/", consumers.SeedConsumer.as_asgi()),
    path("ws/echo/", consumers.EchoConsumer.as_asgi()),
    path("ws/async-echo/", consumers.AsyncEchoConsumer.as_asgi()),
    path("ws/json/", consumers.JsonEchoConsumer.as_asgi()),
    re_path(r"^ws/chat/(?P<room>\w+)/$", consumers.ChatConsumer.as_asgi()),
    path("ws/direct/", consumers.DirectConsumer.as_asgi()),
    path("ws/reject/", consumers.RejectConsumer.as_asgi()),
    path("ws/subproto/", consumers.SubprotocolConsumer.as_asgi()),
    path("ws/boom/", consumers.BoomConsumer.as_asgi()),
    path("ws/close-code/", consumers.CloseCodeConsumer.as_asgi()),
    path("ws/send-before-accept/", consumers.SendBeforeAcceptConsumer.as_asgi()),
    path("ws/bad-close/", consumers.BadCloseConsumer.as_asgi()),
    path("ws/connect-boom/", consumers.ConnectBoomConsumer.as_asgi()),
]

# Shown by the HTTP index page so a human can see what is mounted.
ROUTE_NAMES = [str(p.pattern) for p in websocket_urlpatterns]
