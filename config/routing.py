from __future__ import annotations

from django.urls import path

from sotong.organisation.consumers import StaffEventsConsumer
from sotong.pages.live import HomeConsumer
from sotong.tv.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/staff/", StaffEventsConsumer.as_asgi()),
    path("ws/tv/<int:pk>/", ChatConsumer.as_asgi()),
    path("ws/home/", HomeConsumer.as_asgi()),
]
