"""The demo's sample cases read as real: each message, its kind, department and place agree, its answer
was written for it by its department, and its history happened in order, in the past, by the product's
own rules. The cases are loaded once per class (setUpTestData), at a named instant, as `sotong demo`
loads them."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import datetime
from typing import Any, ClassVar

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from sotong.accounts.roles import Role
from sotong.connectors.models import Delivery
from sotong.core.geo import distance_m
from sotong.core.models import Notification
from sotong.organisation.models import Department, Dong, Membership, OfficerAssignment
from sotong.organisation.selectors import dong_named_in, working_calendar
from sotong.voice.choices import OPEN_STATUSES, Channel, Kind, Status
from sotong.voice.deadlines import deadline_for, extended_deadline
from sotong.voice.demo.samples import check_sample, demo_samples
from sotong.voice.models import Case, CaseEvent, CaseMessage, ServiceCategory
from sotong.voice.services.sweep import deadlines_sweep

try:
    import time_machine
except ImportError:  # then the loader is given the instant
    time_machine = None  # type: ignore[assignment]

SUMMARY = re.compile(
    r"Demo cases: (?P<total>\d+) \((?P<answered>\d+) answered, (?P<open>\d+) open of which "
    r"(?P<overdue>\d+) overdue, (?P<duplicates>\d+) duplicate reports of which (?P<merged>\d+) merged\)\."
)
# What officers do (as opposed to residents and the routing worker), in working hours only.
OFFICERS_STEPS = {"taken", "answered", "transferred", "reclassified", "merged", "extended", "unmerged"}
# 해요체 sentence endings: officers answer in 합니다체.
HAEYO = re.compile(r"요[.!?](\s|$)")
# The fake personal data of the published samples, and how /voice/answered/ shows it.
PERSONAL = [("010-0000-1234", "010-****-1234"), ("김민지", "김*지"), ("34나 5678", "**가 ****")]


def sample_of(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sample (one matter) and its variant (one resident's message) the demo case was made from."""
    name, index = case.external_id.removeprefix("demo-").rsplit("-", 1)
    sample = next(s for s in demo_samples()["cases"] if s["id"] == name)
    return sample, sample["variants"][int(index)]


class DemoSampleCases(TestCase):
    __test__ = False
    now: ClassVar[datetime]
    output: ClassVar[str]
    traveller: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        # A timestamp, not the datetime: time-machine would set TZ from the datetime's zone. The clock
        # stands still, so "now" in the loader, the services and the checks is this instant.
        cls.traveller = time_machine.travel(cls.now.timestamp(), tick=False) if time_machine else None
        if cls.traveller is not None:
            cls.traveller.start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        if cls.traveller is not None:
            cls.traveller.stop()

    @classmethod
    def setUpTestData(cls) -> None:
        # What `sotong demo` calls: the sample district and its staff, then voice.
        from sotong.organisation.demo import load_demo as load_organisation
        from sotong.voice.demo import load_demo as load_voice

        out = io.StringIO()
        load_organisation(stdout=out)
        load_voice(stdout=out, now=None if time_machine else cls.now)
        cls.output = out.getvalue()

    def cases(self) -> list[Case]:
        return list(
            Case.objects.filter(external_id__startswith="demo-").select_related(
                "department", "dong", "category", "officer", "primary"
            )
        )

    def test_nothing_is_dated_after_the_moment_the_demo_was_set_up(self) -> None:
        if time_machine:
            assert timezone.now() == self.now
        names = ["received_at", "routed_at", "first_responded_at", "answered_at", "closed_at", "updated_at"]
        for case in self.cases():
            for name in [*names, "reminded_at", "escalated_at"]:
                value = getattr(case, name)
                assert not (value and value > self.now), (case.external_id, name, value)
        stamped: list[tuple[Any, list[str]]] = [
            (CaseMessage, ["created_at"]),
            (CaseEvent, ["at"]),
            (Delivery, ["created_at", "sent_at"]),
            (Notification, ["created_at", "read_at"]),
        ]
        for model, fields in stamped:
            for name in fields:
                late = model.objects.filter(**{f"{name}__gt": self.now})
                assert not late.exists(), (model.__name__, name, list(late[:3]))

    def test_each_case_happened_in_order_with_officers_acting_in_working_hours(self) -> None:
        calendar = working_calendar()
        for case in self.cases():
            label = case.external_id
            events = list(case.events.order_by("pk"))
            # Recorded in the order it happened: the history was replayed in time order.
            assert events == sorted(events, key=lambda e: (e.at, e.pk)), label
            assert (events[0].kind, events[0].at) == ("received", case.received_at), label
            assert (events[1].kind in {"routed", "triaged"}, events[1].at) == (True, case.routed_at), label
            assert case.routed_at is not None and case.first_responded_at is not None, label
            assert case.received_at < case.routed_at <= case.first_responded_at, label
            assert case.answered_at is None or case.answered_at > case.routed_at, label
            for event in events:
                if event.kind in OFFICERS_STEPS:
                    assert calendar.is_working_time(event.at), (label, event.kind, event.at)
            messages = list(case.messages.order_by("pk"))
            assert messages == sorted(messages, key=lambda m: (m.created_at, m.pk)), label
            assert (messages[0].direction, messages[0].created_at) == ("in", case.received_at), label
            acknowledgement = next(m for m in messages if m.purpose == CaseMessage.Purpose.ACKNOWLEDGEMENT)
            assert acknowledgement.created_at == case.routed_at, label
        deliveries = Delivery.objects.filter(subject__startswith="voice.casemessage:")
        assert deliveries.exists()
        for delivery in deliveries:
            message = CaseMessage.objects.get(pk=int(delivery.subject.split(":")[1]))
            # What residents were sent went out then, and is not sent again when the demo starts.
            assert (delivery.status, delivery.sent_at) == (Delivery.Status.SENT, message.created_at)

    def test_statuses_agree_with_the_history(self) -> None:
        for case in self.cases():
            label = (case.external_id, case.status)
            answers = list(case.messages.filter(purpose=CaseMessage.Purpose.ANSWER))
            if case.status == Status.ANSWERED:
                assert len(answers) == 1 and answers[0].created_at == case.answered_at, label
            elif case.status == Status.MERGED:
                assert case.primary is not None and case.primary.primary_id is None, label
                merged_at = case.events.get(kind="merged").at
                # Merged after the first report's answer, which it got then (or later, with it).
                for answer in answers:
                    first = case.primary.messages.get(purpose=CaseMessage.Purpose.ANSWER)
                    assert (answer.body, answer.created_at >= merged_at) == (first.body, True), label
            else:
                assert case.status in OPEN_STATUSES, label
                assert (answers, case.answered_at) == ([], None), label
                assert (case.department is None) == (case.status == Status.TRIAGE), label
            if case.status == Status.IN_PROGRESS:
                assert case.events.filter(kind="taken").exists(), label

    def test_deadlines_follow_the_working_day_rules(self) -> None:
        for case in self.cases():
            statutory = deadline_for(kind=case.kind, received_at=case.received_at)
            if case.extended:
                event = case.events.get(kind="extended")
                assert datetime.fromisoformat(event.detail["previous"]) == statutory, case.external_id
                assert case.deadline == extended_deadline(kind=case.kind, current=statutory)
                assert event.at < statutory, case.external_id
            else:
                assert case.deadline == statutory, case.external_id

    def test_text_kind_category_and_department_agree(self) -> None:
        for case in self.cases():
            sample, variant = sample_of(case)
            label = case.external_id
            assert case.text == variant["text"], label
            officer_saw_it = case.events.filter(kind__in=OFFICERS_STEPS).exists()
            if officer_saw_it or case.channel in {Channel.WEB, Channel.OPEN311}:
                assert case.kind == sample["kind"], label
            if case.department is not None and case.department.code != sample["department"]:
                # Routing sent it elsewhere a moment ago; the comms team has not passed it on yet.
                assert not officer_saw_it and case.status == Status.ASSIGNED, label
                assert case.events.get(kind="routed").detail["department"] == case.department.code
            category = case.category
            if category is not None and category.department is not None:
                assert category.department.code == sample["department"], label
            # A second report belongs with the first report of the same matter.
            if case.primary is not None:
                assert sample_of(case.primary)[0]["id"] == sample["id"], label

    def test_the_dong_is_the_one_the_text_names_or_the_place_is_in(self) -> None:
        dongs = list(Dong.objects.all())
        for case in self.cases():
            label = case.external_id
            named = dong_named_in(case.text)
            if named is not None:
                assert case.dong == named, label
            if case.channel == Channel.KAKAO:
                assert case.dong == dong_named_in(case.address_text), label
            if case.lat is not None and case.lon is not None:
                lat, lon = float(case.lat), float(case.lon)
                nearest = min(dongs, key=lambda d: distance_m(lat, lon, float(d.lat), float(d.lon)))
                assert case.dong == nearest, label

    def test_each_answer_is_the_one_written_for_its_question_by_an_officer_of_its_department(self) -> None:
        answered = [c for c in self.cases() if c.answered_at is not None]
        assert len(answered) > 80
        for case in answered:
            sample, variant = sample_of(case)
            label = case.external_id
            answer = case.messages.get(purpose=CaseMessage.Purpose.ANSWER)
            assert answer.body == sample["answer"], label
            assert any(word in variant["text"] for word in sample["topic"]), label
            department = Department.objects.get(code=sample["department"])
            assert (
                OfficerAssignment.objects.filter(department=department, user=answer.author).exists()
                or Membership.objects.filter(department=department, user=answer.author).exists()
            ), (label, answer.author)

    def test_every_sample_answer_speaks_to_its_question_in_the_officers_voice(self) -> None:
        categories = {c.code: c for c in ServiceCategory.objects.select_related("department")}
        samples = demo_samples()["cases"]
        assert len(samples) >= 60 and len({s["department"] for s in samples}) >= 40
        assert len({s["id"] for s in samples}) == len(samples)
        for sample in samples:
            check_sample(sample, categories=categories)
            answer, label = sample["answer"], sample["id"]
            for word in sample["answer_mentions"]:
                assert word in answer, (label, word)
            assert any(word in answer for word in sample["topic"]), label
            for variant in sample["variants"]:
                assert any(word in variant["text"] for word in sample["topic"]), variant["text"]
            # Signed by the department, in the resident's language.
            department = Department.objects.get(code=sample["department"])
            signature = answer.rsplit("\n", 1)[-1]
            names = [department.name_ko, department.name_en, department.name_zh]
            if department.code == "dong":
                names = [f"{dong.name_ko} 주민센터" for dong in Dong.objects.all()]
            assert any(name and name in signature for name in names), (label, signature)
            if re.search(r"[가-힣]{4}", answer.split("\n", 1)[0]):
                assert HAEYO.search(answer) is None, label
                if sample["kind"] == Kind.PRAISE:
                    assert "감사" in answer, label
                if sample["kind"] == Kind.PROPOSAL:
                    assert "검토" in answer, label

    def test_published_answers_show_the_fake_personal_data_masked(self) -> None:
        shown = 0
        for case in self.cases():
            _sample, variant = sample_of(case)
            if not variant.get("publish") or case.status != Status.ANSWERED:
                continue
            assert case.department is not None
            page = self.client.get(reverse("voice:answered"), {"department": case.department.code})
            html = page.content.decode()
            for raw, masked in PERSONAL:
                if raw in case.text:
                    shown += 1
                    assert raw not in html and masked in html, (case.external_id, raw)
        assert shown >= 2

    def test_the_printed_figures_hold(self) -> None:
        match = SUMMARY.search(self.output)
        assert match is not None, self.output
        figures = {k: int(v) for k, v in match.groupdict().items()}
        cases = self.cases()
        open_cases = [c for c in cases if c.status in OPEN_STATUSES]
        assert figures == {
            "total": len(cases),
            "answered": sum(c.status == Status.ANSWERED for c in cases),
            "open": len(open_cases),
            "overdue": sum(c.deadline is not None and c.deadline <= self.now for c in open_cases),
            "duplicates": sum(c.primary_id is not None for c in cases),
            "merged": sum(c.status == Status.MERGED for c in cases),
        }
        # "about 160 cases (answered, open, overdue, duplicates)", as the operations guide says.
        assert 150 <= figures["total"] <= 170, figures
        assert all(figures[k] >= 1 for k in ["answered", "open", "overdue", "duplicates", "merged"]), figures

    def test_every_channel_and_the_officers_in_the_banner_have_cases(self) -> None:
        cases = self.cases()
        by_channel: dict[str, list[Case]] = defaultdict(list)
        for case in cases:
            by_channel[case.channel].append(case)
        assert set(by_channel) == {Channel.WEB, Channel.KAKAO, Channel.OPEN311, Channel.EMAIL}
        for case in by_channel[Channel.OPEN311]:
            assert case.category and case.category.department_id and case.lat and case.dong, case.external_id
        for case in by_channel[Channel.EMAIL]:
            assert case.contact_email and case.title and case.dong is None, case.external_id
        for case in by_channel[Channel.KAKAO]:
            assert case.channel_user and case.category is None, case.external_id
        # junho (roads) and sora (welfare) have open cases; doyun, who leads roads, overdue ones.
        for username, code in [("junho", "roads"), ("sora", "welfare")]:
            theirs = [c for c in cases if c.officer and c.officer.get_username() == username]
            assert theirs and {c.department.code for c in theirs if c.department} == {code}, username
            assert any(c.status in OPEN_STATUSES for c in theirs), username
        roads = [
            c for c in cases if c.department and c.department.code == "roads" and c.status in OPEN_STATUSES
        ]
        assert any(c.deadline and c.deadline <= self.now for c in roads)
        assert Membership.objects.filter(user__username="doyun", role=Role.DEPARTMENT_LEAD).exists()

    def test_the_deadline_sweep_finds_the_overdue_cases(self) -> None:
        overdue = Case.objects.filter(
            status__in=OPEN_STATUSES, deadline__lte=self.now, escalated_at__isnull=True
        )
        expected = overdue.count()
        assert expected >= 3
        assert deadlines_sweep()["escalated"] == expected


class TestOnAMondayMorningAfterNewYear(DemoSampleCases):
    __test__ = True
    now = datetime.fromisoformat("2026-01-05T10:00:00+09:00")


class TestOnASaturdayEveningThatIsAHoliday(DemoSampleCases):
    __test__ = True
    now = datetime.fromisoformat("2026-08-15T21:30:00+09:00")  # 광복절, a Saturday
