"""The staff websocket: live events for the departments a staff member works in, and presence
(who else from the department is in the back office right now)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from sotong.core.events import group_name
from sotong.core.notifications import user_group
from sotong.core.websockets import GuardedJsonConsumer
from sotong.organisation.selectors import departments_for, spans_departments


def department_group(code: str) -> str:
    return group_name("department", code)


ALL_STAFF_GROUP = "staff"
TRIAGE_GROUP = "triage"


class StaffEventsConsumer(GuardedJsonConsumer):
    groups_joined: list[str]

    def admits(self, scope: dict[str, Any]) -> bool:
        # Signed-in, active staff only; anyone else gets HTTP 403 before the channel layer is touched.
        user = scope.get("user")
        return user is not None and user.is_authenticated and user.is_active

    async def connect(self) -> None:
        user = self.scope["user"]
        codes, spans = await self._scope(user)
        self.groups_joined = [
            ALL_STAFF_GROUP,
            user_group(user.pk),
            *(department_group(code) for code in codes),
        ]
        if spans:
            # Roles across departments also watch cases waiting for a department (통합접수 triage).
            self.groups_joined.append(TRIAGE_GROUP)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "departments": codes})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Presence: "I am looking at this" goes to everyone in the departments this person belongs to.
        if not isinstance(content, dict) or content.get("type") != "presence":
            await self.send_json({"type": "error", "error": "unknown message type"})
            return
        user = self.scope["user"]
        where = str(content.get("where", ""))[:200]
        event = {"type": "presence", "user": user.get_username(), "name": str(user), "where": where}
        for group in self.groups_joined:
            if group.startswith("department."):
                await self.channel_layer.group_send(group, {"type": "event.message", "event": event})

    async def event_message(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])

    @database_sync_to_async
    def _scope(self, user: Any) -> tuple[list[str], bool]:
        return sorted(departments_for(user).values_list("code", flat=True)), spans_departments(user)
