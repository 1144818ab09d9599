"""The back office's dashboard for the resident voice: each role's cases at a glance (decision 0069).

Officers and leads see their department's new, due-today, overdue and urgent cases, each figure a link to the
inbox with the same filter, and the few most urgent; a lead also sees what the deadline sweep reported to them
(there is no approval step for answers). The comms team sees the triage queue first, the mayor's office the
district's figures. Panels are Wagtail components added by the ``construct_homepage_panels`` hook.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from sotong.accounts.roles import Role
from sotong.organisation.selectors import roles_of
from sotong.voice import selectors
from sotong.voice.models import Case

# Wagtail's own panels come from 210 on; ours first, the triage queue before a department's work.
TRIAGE_ORDER = 10
DEPARTMENT_ORDER = 20
DISTRICT_ORDER = 40

TRIAGE_ROLES = frozenset({Role.COMMS, Role.ADMINISTRATOR})
DISTRICT_ROLES = frozenset({Role.MAYORS_OFFICE, Role.ADMINISTRATOR})


def inbox_url(**query: str) -> str:
    return f"{reverse('voice_admin:inbox')}?{urlencode(query)}" if query else reverse("voice_admin:inbox")


@dataclass(frozen=True)
class Figure:
    """One count on the dashboard and the inbox view that lists exactly those cases."""

    label: str
    count: int
    url: str
    icon: str
    alarming: bool = False  # drawn in the warning colour when not zero


@dataclass(frozen=True)
class Row:
    """A case in a panel's short list, with what makes it urgent."""

    case: Case
    overdue: bool
    due_today: bool


def rows(cases: list[Case], now: datetime) -> list[Row]:
    day_end = selectors.seoul_day_end(now)
    return [
        Row(
            case=case,
            overdue=case.deadline is not None and case.deadline < now,
            due_today=case.deadline is not None and now <= case.deadline < day_end,
        )
        for case in cases
    ]


class _Panel(Component):
    def __init__(self, *, now: datetime | None = None) -> None:
        self.now = now

    def instant(self) -> datetime:
        return self.now or timezone.now()


class DepartmentWorkPanel(_Panel):
    """One section per department the user handles as its officer or lead."""

    name = "voice_department_work"
    template_name = "voice/admin/dashboard/department_work.html"
    order = DEPARTMENT_ORDER

    def __init__(self, memberships: list[tuple[Any, str]], *, now: datetime | None = None) -> None:
        super().__init__(now=now)
        self.memberships = memberships

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        now = self.instant()
        sections = []
        for work in selectors.department_work(memberships=self.memberships, now=now):
            code = work.department.code
            sections.append(
                {
                    "work": work,
                    "is_lead": work.role == Role.DEPARTMENT_LEAD,
                    "inbox_url": inbox_url(department=code),
                    "figures": [
                        Figure(
                            _("새로 배정"),
                            work.new,
                            inbox_url(department=code, status="assigned"),
                            "mail",
                        ),
                        Figure(
                            _("오늘 기한"), work.due_today, inbox_url(department=code, due="today"), "time"
                        ),
                        Figure(
                            _("기한 초과"),
                            work.overdue,
                            inbox_url(department=code, overdue="1"),
                            "warning",
                            True,
                        ),
                        Figure(
                            _("긴급"), work.urgent, inbox_url(department=code, urgent="1"), "warning", True
                        ),
                    ],
                    "rows": rows(work.most_urgent, now),
                    "escalated_rows": rows(work.escalated_cases, now),
                }
            )
        return {"sections": sections}


class TriagePanel(_Panel):
    """The comms team's triage queue: cases routing left to them, and any not yet routed at all."""

    name = "voice_triage"
    template_name = "voice/admin/dashboard/triage.html"
    order = TRIAGE_ORDER

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        now = self.instant()
        work = selectors.triage_work(now=now)
        return {
            "work": work,
            "queue_url": inbox_url(department="triage"),
            "figures": [
                Figure(_("분류 대기"), work.triage, inbox_url(department="triage"), "tasks"),
                Figure(
                    _("자동 분류 전"),
                    work.unrouted,
                    inbox_url(department="triage", status="received"),
                    "time",
                ),
                Figure(
                    _("기한 초과"), work.overdue, inbox_url(department="triage", overdue="1"), "warning", True
                ),
                Figure(_("긴급"), work.urgent, inbox_url(department="triage", urgent="1"), "warning", True),
            ],
            "rows": rows(work.waiting, now),
        }


class DistrictPanel(_Panel):
    """The district's figures for the mayor's office and administrators: counts only, no resident's case."""

    name = "voice_district"
    template_name = "voice/admin/dashboard/district.html"
    order = DISTRICT_ORDER

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"work": selectors.district_work(now=self.instant())}


def panels_for(user: Any, *, now: datetime | None = None) -> list[Component]:
    """The voice panels of ``user``'s dashboard, by their roles (two queries: roles, memberships)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    roles = roles_of(user)
    panels: list[Component] = []
    if user.is_superuser or roles & TRIAGE_ROLES:
        panels.append(TriagePanel(now=now))
    memberships = selectors.case_memberships(user=user)
    if memberships:
        panels.append(DepartmentWorkPanel(memberships, now=now))
    if user.is_superuser or roles & DISTRICT_ROLES:
        panels.append(DistrictPanel(now=now))
    return panels
