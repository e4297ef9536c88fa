"""ASGI entry point: `daphne conf_project.asgi:application`."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf_project.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

# Django must be set up before the consumers (and through them channels.layers) are imported.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from .routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
