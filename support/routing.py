"""WebSocket routes of support (issue 16): the live chat's socket, for both sides (support/consumers.py)."""
from django.urls import path

from .consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/support/chat/<str:number>/", ChatConsumer.as_asgi()),
]
