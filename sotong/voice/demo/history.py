"""The demo's two months of voice history, replayed in time order through the product's own services."""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sotong.accounts.roles import Role
from sotong.connectors.models import Delivery
from sotong.core.crypto import digest
from sotong.core.geo import distance_m
from sotong.core.models import Notification
from sotong.core.workdays import SEOUL
from sotong.organisation.models import Department, Dong
from sotong.organisation.selectors import officers_of, staff_with_role, working_calendar
from sotong.voice.choices import Channel, Status
from sotong.voice.deadlines import extended_deadline, rule_for
from sotong.voice.demo.samples import HOURS, check_sample, demo_samples
from sotong.voice.models import Case, CaseEvent, CaseMessage, ServiceCategory
from sotong.voice.services.handling import (
    case_extend,
    case_merge,
    case_reclassify,
    case_reply,
    case_take,
    case_transfer,
    case_unmerge,
)
from sotong.voice.services.intake import Submission, case_receive
from sotong.voice.services.routing import case_route

WINDOW_DAYS = 60
# About this many cases (every sample at least once when in season).
DEMO_CASES = 160
SEED = 20261126
# Share of cases answered after the deadline, and of old cases still unanswered (more for "slow" matters).
LATE_SHARE = 0.12
STALLED_SHARE, SLOW_STALLED_SHARE = 0.03, 0.5
# The departments of the officers the demo's banner names (junho, sora): each has an unanswered report.
FOCUS_DEPARTMENTS = ("roads", "welfare")
# Working hours from routing (or transfer) until the officer takes the case, by kind.
TAKE_HOURS = {"report": (0.05, 1.2), "question": (0.3, 10.0), "complaint": (0.3, 8.0)}
TAKE_HOURS_DEFAULT = (1.0, 20.0)
# Working hours past the deadline of a late answer, by the deadline's unit.
LATE_HOURS = {"hours": (0.5, 14.0), "days": (3.0, 30.0)}


@dataclass
class _Message:
    """One resident's message about a sample matter, and what happens to it."""

    sample: dict[str, Any]
    variant: dict[str, Any]
    external_id: str
    received: datetime
    primary: _Message | None = None  # the first report of the same problem
    kept: bool = False  # answered for sure (never stalled)
    stalled: bool = False  # the department has not answered it yet
    late: bool = False  # answered after the deadline (or, where the sample says why, after an extension)
    case: Case | None = None


Step = Callable[[_Message, datetime], None]


class History:
    """Replays the sample cases in time order, so each step sees the district as it was at that time."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        self.calendar = working_calendar()
        self.departments = {d.code: d for d in Department.objects.all()}
        self.dongs = {d.code: d for d in Dong.objects.all()}
        self.categories = {c.code: c for c in ServiceCategory.objects.select_related("department")}
        comms = staff_with_role(role=Role.COMMS).order_by("pk").first()
        if comms is None:
            raise RuntimeError("the demo's cases need a comms officer (the organisation demo makes one)")
        # The comms team (통합접수) passes on what routing could not place, and undoes wrong links.
        self.comms: Any = comms
        self.queue: list[tuple[datetime, int, Step, _Message]] = []
        self.samples: dict[int, str] = {}  # case pk: the sample it was made from
        self.sequence = 0

    def play(self) -> list[Case]:
        messages = self._messages()
        for message in messages:
            self._at(message.received, self._receive, message)
        while self.queue:
            when, _sequence, step, message = heapq.heappop(self.queue)
            step(message, when)
        return [Case.objects.get(pk=m.case.pk) for m in messages if m.case is not None]

    # Planning: who wrote when ------------------------------------------------------------------------

    def _messages(self) -> list[_Message]:
        """Every sample's first message in season, each second report with its first, every message
        whose published answer shows masking, and others drawn at random up to DEMO_CASES."""
        essential: list[_Message] = []
        others: list[_Message] = []
        for sample in demo_samples()["cases"]:
            check_sample(sample, categories=self.categories)
            made: list[_Message | None] = []
            for index, variant in enumerate(sample["variants"]):
                message = self._message(sample, variant, f"demo-{sample['id']}-{index}", made)
                made.append(message)
                if message is None:
                    continue
                first = not any(made[:-1])
                reported_again = any(v.get("duplicate_of") == index for v in sample["variants"])
                if first or reported_again or message.primary is not None or variant.get("publish"):
                    essential.append(message)
                else:
                    others.append(message)
        self.rng.shuffle(others)
        messages = essential + others[: max(0, DEMO_CASES - len(essential))]
        # The officers named in the demo's banner find unanswered (overdue) reports in their inbox.
        for code in FOCUS_DEPARTMENTS:
            theirs = [
                m
                for m in messages
                if m.sample["department"] == code and m.sample["kind"] == "report" and m.primary is None
            ]
            waiting = [m for m in theirs if self.now - m.received > timedelta(days=2) and not m.kept]
            if not any(m.stalled for m in theirs) and waiting:
                min(waiting, key=lambda m: self.now - m.received).stalled = True
        return messages

    def _message(
        self, sample: dict[str, Any], variant: dict[str, Any], external_id: str, made: list[_Message | None]
    ) -> _Message | None:
        if variant.get("duplicate_of") is not None:
            primary = made[variant["duplicate_of"]]
            if primary is None:
                return None
            # Reported again within hours while the first is open (the duplicate check links it), or
            # days later, after the answer (the officer merges it by hand).
            delay = (
                timedelta(days=self.rng.uniform(1.5, 4.5))
                if variant.get("merge")
                else timedelta(hours=self.rng.uniform(0.5, 2.5))
            )
            received = primary.received + delay
            if received > self.now - timedelta(minutes=30):
                return None
            return _Message(sample, variant, external_id, received, primary=primary)
        # Answered for sure: a problem reported again after its answer, and published answers that
        # show how personal data is masked.
        kept = (not made and any(v.get("merge") for v in sample["variants"])) or bool(variant.get("publish"))
        received = self._received_time(sample, variant, min_age_days=8 if kept else 0)
        if received is None:  # out of season in this window
            return None
        old = self.now - received > timedelta(days=2)
        stalled_share = SLOW_STALLED_SHARE if sample.get("slow") else STALLED_SHARE
        return _Message(
            sample,
            variant,
            external_id,
            received,
            kept=kept,
            stalled=old and not kept and self.rng.random() < stalled_share,
            late=self.rng.random() < LATE_SHARE,
        )

    def _received_time(
        self, sample: dict[str, Any], variant: dict[str, Any], *, min_age_days: int
    ) -> datetime | None:
        today = self.now.astimezone(SEOUL).date()
        months = sample.get("months")
        days = [today - timedelta(days=n) for n in range(min_age_days, WINDOW_DAYS)]
        days = [d for d in days if not months or d.month in months]
        hours, weights = zip(*HOURS[variant["channel"]], strict=True)
        for _ in range(20 if days else 0):
            moment = datetime.combine(
                self.rng.choice(days), time(self.rng.choices(hours, weights=weights)[0]), tzinfo=SEOUL
            ) + timedelta(minutes=self.rng.uniform(0, 59))
            if moment < self.now - timedelta(minutes=30):
                return moment
        return None

    # Replaying: what happened then -------------------------------------------------------------------

    def _at(self, when: datetime, step: Step, message: _Message) -> None:
        # A step due after "now" has not happened yet: the case stays as it is.
        if when < self.now:
            self.sequence += 1
            heapq.heappush(self.queue, (when, self.sequence, step, message))

    def _working(self, after: datetime, hours: tuple[float, float]) -> datetime:
        """A moment in working hours, some working hours after ``after``."""
        return self.calendar.add_working_hours(after, self.rng.uniform(*hours))

    def _officer(self, case: Case) -> Any:
        assert case.department is not None
        return officers_of(department=case.department)["primary"]

    @contextmanager
    def _dated(self, when: datetime, *, notices: bool = False) -> Iterator[None]:
        """Date what the block records (events, messages, deliveries, notices, case times) at ``when``.
        The services stamp the clock; whatever they stamped during the block is at least ``started``,
        while everything dated before lies in the past of ``now``. Staff notices come from routing
        (urgent cases) only."""
        started = timezone.now()
        yield
        CaseEvent.objects.filter(at__gte=started).update(at=when)
        CaseMessage.objects.filter(created_at__gte=started).update(created_at=when)
        # What went to residents then was delivered then (the worker must not send it again now).
        Delivery.objects.filter(created_at__gte=started).update(
            created_at=when, status=Delivery.Status.SENT, sent_at=when, attempts=1, next_attempt_at=None
        )
        if notices:
            read = when + timedelta(minutes=10)
            Notification.objects.filter(created_at__gte=started).update(
                created_at=when, read_at=read if read < self.now else None
            )
        # Every case the block saved has a new update time; of its other times, those set just now.
        names = ["routed_at", "first_responded_at", "answered_at", "closed_at"]
        for row in Case.objects.filter(updated_at__gte=started).values("pk", *names):
            stamped = {name: when for name in names if row[name] is not None and row[name] >= started}
            Case.objects.filter(pk=row["pk"]).update(updated_at=when, **stamped)

    def _receive(self, m: _Message, when: datetime) -> None:
        variant, sample = m.variant, m.sample
        channel = variant["channel"]
        dong = self.dongs[variant["dong"]] if variant.get("dong") else None
        lat = lon = None
        if dong is not None and channel in {Channel.WEB, Channel.OPEN311}:
            first = m.primary.case if m.primary is not None else None
            if first is not None and first.lat is not None and first.lon is not None:
                lat, lon = self._near(first.lat, first.lon, dong, metres=(5.0, 40.0))
            else:
                lat, lon = self._near(dong.lat, dong.lon, dong, metres=(80.0, 380.0))
        email = variant.get("email", "")
        if channel == Channel.EMAIL and not email:
            email = f"resident{self.rng.randint(100, 999)}@example.com"
        elif channel in {Channel.WEB, Channel.OPEN311} and not email and self.rng.random() < 0.3:
            email = f"yd{self.rng.randint(1000, 9999)}@example.com"
        category = None
        if channel in {Channel.WEB, Channel.OPEN311}:
            category = self.categories[sample.get("category") or "general"]
        channel_user = ""
        if channel == Channel.KAKAO:
            channel_user = f"demo-kakao-{self.rng.randint(10**8, 10**9)}"
        elif channel == Channel.EMAIL:
            channel_user = digest(f"email:{email}")
        # Stored as received then (routing, next, dates the case's last update).
        m.case, _created = case_receive(
            submission=Submission(
                channel=channel,
                external_id=m.external_id,
                text=variant["text"],
                title=variant.get("title", ""),
                # The homepage form asks for the kind; on other channels routing decides it.
                kind=sample["kind"] if channel == Channel.WEB else None,
                category=category,
                dong=dong,
                address_text=variant.get("place", ""),
                lat=lat,
                lon=lon,
                contact_name=variant.get("name", ""),
                contact_email=email,
                consent_contact=bool(email),
                # Only the homepage form asks whether the answer may be published.
                consent_publish=channel == Channel.WEB and variant.get("publish", self.rng.random() < 0.7),
                channel_user=channel_user,
                message_id=f"<{m.external_id}@mail.example.com>" if channel == Channel.EMAIL else "",
                received_at=when,
            )
        )
        # The worker routes a new case within a minute or two, at any hour.
        self._at(when + timedelta(seconds=self.rng.uniform(15, 120)), self._route, m)

    def _near(
        self, lat: Decimal, lon: Decimal, dong: Dong, *, metres: tuple[float, float]
    ) -> tuple[Decimal, Decimal]:
        """A point some metres from (lat, lon) that is still nearer this dong's centre than any other's."""
        for _ in range(50):
            distance, bearing = self.rng.uniform(*metres), self.rng.uniform(0, 2 * math.pi)
            y = float(lat) + distance * math.cos(bearing) / 111_320
            x = float(lon) + distance * math.sin(bearing) / (111_320 * math.cos(math.radians(float(lat))))
            nearest = min(self.dongs.values(), key=lambda d: distance_m(y, x, float(d.lat), float(d.lon)))
            if nearest.pk == dong.pk:
                return Decimal(f"{y:.6f}"), Decimal(f"{x:.6f}")
        return lat, lon

    def _route(self, m: _Message, when: datetime) -> None:
        assert m.case is not None
        with self._dated(when, notices=True):
            m.case = case_route(case=m.case)
        self.samples[m.case.pk] = m.sample["id"]
        if m.case.department_id != self.departments[m.sample["department"]].pk:
            # Sent to triage or to another department: the comms team passes it on in working hours.
            self._at(self._working(when, (0.2, 2.0)), self._transfer, m)
        else:
            self._at(self._take_time(m, when), self._take, m)

    def _transfer(self, m: _Message, when: datetime) -> None:
        department = self.departments[m.sample["department"]]
        with self._dated(when):
            m.case = case_transfer(
                case=self._case(m),
                to=department,
                by=self.comms,
                reason=f"{department.name_ko} 소관 업무입니다.",
            )
        self._at(self._take_time(m, when), self._take, m)

    def _take_time(self, m: _Message, after: datetime) -> datetime:
        return self._working(after, TAKE_HOURS.get(m.sample["kind"], TAKE_HOURS_DEFAULT))

    def _take(self, m: _Message, when: datetime) -> None:
        case = self._unlinked(self._case(m), when)
        officer = self._officer(case)
        if m.primary is not None:
            self._second_report(m, case, officer, when)
            return
        with self._dated(when):
            case = case_take(case=case, by=officer)
            if case.kind != m.sample["kind"]:
                # Routing guessed the kind of a chat or e-mail message; the officer corrects it.
                case = case_reclassify(case=case, kind=m.sample["kind"], by=officer)
        m.case = case
        if m.stalled:
            return
        assert case.deadline is not None
        unit = rule_for(case.kind).unit
        available = self.calendar.working_hours_between(when, case.deadline)
        if not m.late and available > 0.3:
            answer = self._working(when, (min(0.25, available / 2), available * 0.95))
        elif m.sample.get("extension") and unit == "days" and available > 0.3:
            # Not answerable in time: extended once, before the deadline, saying why.
            latest = extended_deadline(kind=case.kind, current=case.deadline)
            self._at(self._working(when, (0.1, available * 0.9)), self._extend, m)
            hours = self.calendar.working_hours_between(case.deadline, latest)
            answer = self._working(case.deadline, (1.0, hours * 0.9))
        else:
            answer = self._working(max(when, case.deadline), LATE_HOURS[unit])
        self._at(answer, self._answer, m)

    def _second_report(self, m: _Message, case: Case, officer: Any, when: datetime) -> None:
        """A second report of a problem already reported: it gets the first report's answer."""
        first = self._case(m.primary)  # type: ignore[arg-type]
        if case.status == Status.ANSWERED or (
            case.primary_id == first.pk and first.status != Status.ANSWERED
        ):
            return  # answered with the first report already, or it will be
        with self._dated(when):
            if case.kind != m.sample["kind"]:
                case = case_reclassify(case=case, kind=m.sample["kind"], by=officer)
            m.case = case_merge(duplicate=case, primary=first, by=officer)

    def _extend(self, m: _Message, when: datetime) -> None:
        case = self._case(m)
        assert case.deadline is not None
        with self._dated(when):
            m.case = case_extend(
                case=case,
                until=extended_deadline(kind=case.kind, current=case.deadline),
                reason=m.sample["extension"],
                by=self._officer(case),
            )

    def _answer(self, m: _Message, when: datetime) -> None:
        case = self._case(m)
        for duplicate in case.duplicates.all():
            self._unlinked(duplicate, when)
        with self._dated(when):
            case_reply(case=case, body=m.sample["answer"], by=self._officer(case))

    def _unlinked(self, case: Case, when: datetime) -> Case:
        """The duplicate check linked reports of two different matters: the comms team undoes the link
        when an officer comes to either of them (before any answer could go to the wrong resident)."""
        if case.primary_id is not None and self.samples.get(case.primary_id) != self.samples[case.pk]:
            with self._dated(when):
                case = case_unmerge(case=case, by=self.comms)
        return case

    def _case(self, m: _Message) -> Case:
        assert m.case is not None
        return Case.objects.select_related("department").get(pk=m.case.pk)
