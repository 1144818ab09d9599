"""The home page updates without a reload: when an alert is issued or changes, or a 소통TV broadcast is scheduled,
goes live or ends, every open home page is told (a public websocket) and re-fetches its blocks' HTML.

The domains do not know about the home page: pages listens to their models' saves (pages sits above them).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save

from sotong.core.events import send_event_on_commit
from sotong.core.websockets import GuardedJsonConsumer
from sotong.pages.cache import forget_all

HOME_GROUP = "public.home"
# (app label, model, what changed): saves of these change what the home page's blocks show.
WATCHED = [("safety", "Alert", "alert"), ("tv", "Broadcast", "broadcast")]


def _changed(what: str) -> Any:
    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        # Pages kept rendered (pages.cache) show the old blocks: forgotten once the change is committed.
        transaction.on_commit(forget_all)
        send_event_on_commit(HOME_GROUP, {"type": "home.changed", "what": what})

    return receiver


_receivers: list[Any] = []


def connect() -> None:
    for app_label, model_name, what in WATCHED:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        receiver = _changed(what)
        _receivers.append(receiver)  # signals hold receivers weakly
        post_save.connect(receiver, sender=model, dispatch_uid=f"pages-home-live-{what}")


class HomeConsumer(GuardedJsonConsumer):
    """Anyone may listen (the home page is public); nothing is accepted from the browser."""

    async def connect(self) -> None:
        await self.channel_layer.group_add(HOME_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(HOME_GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        return None

    async def event_message(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
