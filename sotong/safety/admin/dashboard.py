"""The safety office's dashboard panel: alerts in force and those waiting for a second officer's approval
(the two-person rule for Extreme alerts, decision 0053). Decision 0069."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from sotong.safety.selectors import alerts as selectors_alerts
from sotong.safety.services.alerts import is_safety_office

# After the comms team's triage queue and a department's cases (voice.admin.dashboard).
SAFETY_ORDER = 30


class SafetyAlertsPanel(Component):
    name = "safety_alerts"
    template_name = "safety/admin/dashboard/alerts.html"
    order = SAFETY_ORDER

    def __init__(self, user: Any, *, now: datetime | None = None) -> None:
        self.user = user
        self.now = now

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        # Two queries; both lists are short (alerts in force now, alerts awaiting approval).
        in_force = list(selectors_alerts.active_alerts(now=self.now or timezone.now()))
        pending = list(selectors_alerts.awaiting_approval())
        return {
            "in_force": in_force,
            "pending": [
                {
                    "alert": alert,
                    "own": alert.created_by_id is not None and alert.created_by_id == self.user.pk,
                }
                for alert in pending
            ],
        }


def panels_for(user: Any, *, now: datetime | None = None) -> list[Component]:
    return [SafetyAlertsPanel(user, now=now)] if is_safety_office(user) else []


@hooks.register("construct_homepage_panels")
def add_alert_panels(request: HttpRequest, panels: list[Any]) -> None:
    panels.extend(panels_for(request.user))
