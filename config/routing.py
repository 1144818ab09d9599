from __future__ import annotations

from django.urls import path

from sotong.organisation.consumers import StaffEventsConsumer

websocket_urlpatterns = [
    path("ws/staff/", StaffEventsConsumer.as_asgi()),
]
