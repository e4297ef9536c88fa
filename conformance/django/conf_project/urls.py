from django.http import HttpResponse
from django.urls import path
from django.utils.html import escape

from .routing import ROUTE_NAMES


def index(request):
    items = "".join(f"<li><code>{escape(name)}</code></li>" for name in ROUTE_NAMES)
    return HttpResponse(
        f"<!doctype html><title>channels conformance</title><h1>WebSocket routes</h1><ul>{items}</ul>"
    )


urlpatterns = [path("", index)]
