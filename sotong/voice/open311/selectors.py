"""Reads for Open311: public services, service requests and their updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from sotong.organisation.models import Department
from sotong.voice.choices import OPEN_STATUSES, Channel, Kind, Status
from sotong.voice.models import Case, CaseEvent, CaseMessage, ServiceCategory
from sotong.voice.open311.params import MAX_RESULTS, Period

CLOSED_STATUSES = [Status.ANSWERED, Status.CLOSED, Status.MERGED]
# Messages to the resident that are also news for everyone following the request.
UPDATE_PURPOSES = [
    CaseMessage.Purpose.ANSWER,
    CaseMessage.Purpose.MESSAGE,
    CaseMessage.Purpose.INTERIM,
    CaseMessage.Purpose.STATUS,
]
# Public events whose news is the message sent with them (the answer, the extension notice).
EVENTS_TOLD_BY_MESSAGE = {"answered", "replied", "extended"}


def services_public() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.filter(is_active=True).select_related("department")


def service_public(*, code: str) -> ServiceCategory | None:
    return services_public().filter(code=code).first()


def _latest_message(purpose: str) -> Subquery:
    messages = CaseMessage.objects.filter(case=OuterRef("pk"), purpose=purpose).order_by("-created_at", "-pk")
    return Subquery(messages.values("body")[:1])


def published() -> Q:
    """The cases the API shows: those sent through it (Open311 requests are public by design) and
    those whose residents agreed to publication on another channel. Nobody else's appears."""
    return Q(channel=Channel.OPEN311) | Q(consent_publish=True)


def _requests() -> QuerySet[Case]:
    return (
        Case.objects.filter(published())
        .select_related("category", "department", "dong")
        .annotate(
            latest_answer=_latest_message(CaseMessage.Purpose.ANSWER),
            acknowledgement=_latest_message(CaseMessage.Purpose.ACKNOWLEDGEMENT),
        )
    )


def requests_by_number(*, numbers: list[str]) -> list[Case]:
    return list(_requests().filter(number__in=numbers).order_by("-received_at")[:MAX_RESULTS])


def requests_matching(
    *, period: Period, service_codes: list[str] | None = None, statuses: set[str] | None = None
) -> list[Case]:
    """Requests received in the period, newest first, from every channel (at most 1000)."""
    cases = _requests().filter(received_at__gte=period.start, received_at__lte=period.end)
    if service_codes is not None:
        cases = cases.filter(category__code__in=service_codes)
    if statuses == {"open"}:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        cases = cases.filter(status__in=CLOSED_STATUSES)
    return list(cases.order_by("-received_at", "-pk")[:MAX_RESULTS])


def request_by_number(*, number: str) -> Case | None:
    return _requests().filter(number=number).first()


def request_for_token(*, token: str) -> Case | None:
    """Open311 requests are stored under their external id; that id is the token."""
    return Case.objects.filter(channel=Channel.OPEN311, external_id=token).only("number").first()


def is_closed(status: str) -> bool:
    return status in CLOSED_STATUSES


@dataclass(frozen=True)
class Update:
    update_id: str
    number: str
    closed: bool
    at: datetime
    description: str
    names: tuple[str, ...] = ()  # the resident's name, masked wherever the text repeats it


def updates_in(*, period: Period) -> list[Update]:
    """What happened to requests in the period, oldest first (at most 1000): each public event and
    each message to the resident (an answer, a reply, an extension notice)."""
    events = list(
        CaseEvent.objects.filter(public=True, at__gte=period.start, at__lte=period.end)
        .filter(Q(case__channel=Channel.OPEN311) | Q(case__consent_publish=True))
        .exclude(kind__in=EVENTS_TOLD_BY_MESSAGE)
        .select_related("case")
        .only("pk", "kind", "at", "detail", "case__number")
        .order_by("at", "pk")[:MAX_RESULTS]
    )
    messages = list(
        CaseMessage.objects.filter(Q(case__channel=Channel.OPEN311) | Q(case__consent_publish=True))
        .filter(
            direction=CaseMessage.Direction.OUTBOUND,
            purpose__in=UPDATE_PURPOSES,
            created_at__gte=period.start,
            created_at__lte=period.end,
        )
        .select_related("case")
        .only("pk", "purpose", "body", "created_at", "case__number", "case__contact_name")
        .order_by("created_at", "pk")[:MAX_RESULTS]
    )
    codes = {_event_department(e) for e in events} - {None}
    departments = (
        dict(Department.objects.filter(code__in=codes).values_list("code", "name_ko")) if codes else {}
    )
    updates = [
        Update(
            update_id=f"event-{event.pk}",
            number=event.case.number,
            closed=event.kind in {"closed", "merged"},
            at=event.at,
            description=_event_description(event, departments),
        )
        for event in events
    ]
    updates += [
        Update(
            update_id=f"message-{message.pk}",
            number=message.case.number,
            closed=message.purpose == CaseMessage.Purpose.ANSWER,
            at=message.created_at,
            description=message.body,
            names=(message.case.contact_name,),
        )
        for message in messages
    ]
    updates.sort(key=lambda u: (u.at, u.update_id))
    return updates[:MAX_RESULTS]


def _event_department(event: CaseEvent) -> str | None:
    detail: dict[str, Any] = event.detail if isinstance(event.detail, dict) else {}
    code = detail.get("to") if event.kind == "transferred" else detail.get("department")
    return code if isinstance(code, str) else None


def _event_description(event: CaseEvent, departments: dict[str, str]) -> str:
    """A short public line, from labels that are already translated (status and kind names)."""
    detail: dict[str, Any] = event.detail if isinstance(event.detail, dict) else {}
    if event.kind in {"routed", "transferred"}:
        department = departments.get(_event_department(event) or "")
        label = str(Status.ASSIGNED.label)
        return f"{label}: {department}" if department else label
    if event.kind == "merged":
        return f"{Status.MERGED.label}: {detail.get('primary', '')}".rstrip(": ")
    if event.kind == "reclassified" and detail.get("kind") in Kind.values:
        kind_field = Case._meta.get_field("kind")
        return f"{kind_field.verbose_name}: {Kind(detail['kind']).label}"
    status = {
        "received": Status.RECEIVED,
        "triaged": Status.TRIAGE,
        "taken": Status.IN_PROGRESS,
        "closed": Status.CLOSED,
    }.get(event.kind)
    return str(status.label) if status is not None else event.kind
