from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from sotong.core.workdays import SEOUL
from sotong.petitions.models import MayorMessage, MayorProfile, ScheduleEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def mayor(district: Any, now: datetime) -> None:
    MayorProfile.objects.create(
        name_ko="김영등",
        name_en="Kim Yeongdeung",
        intro_ko="주민과 함께하는 구청장입니다.",
        intro_en="A mayor with the residents.",
    )
    MayorMessage.objects.create(
        title_ko="새봄 인사",
        body_ko="주민 여러분, 봄을 맞아 인사드립니다.",
        published_at=now - timedelta(days=1),
    )
    MayorMessage.objects.create(
        title_ko="아직 안 보이는 글", body_ko="내일 게시", published_at=now + timedelta(days=1)
    )
    ScheduleEvent.objects.create(
        title_ko="당산동 주민과의 대화",
        place="당산1동 주민센터",
        starts_at=datetime(2026, 3, 12, 14, tzinfo=SEOUL),
        ends_at=datetime(2026, 3, 12, 16, tzinfo=SEOUL),
    )
    ScheduleEvent.objects.create(
        title_ko="비공개 회의",
        starts_at=datetime(2026, 3, 13, 9, tzinfo=SEOUL),
        ends_at=datetime(2026, 3, 13, 10, tzinfo=SEOUL),
        is_public=False,
    )


def test_the_intro_and_published_messages_are_shown(client: Any, mayor: None) -> None:
    html = client.get("/mayor/about/").content.decode()
    assert "김영등" in html and "주민과 함께하는 구청장입니다." in html
    listing = client.get("/mayor/messages/").content.decode()
    assert "새봄 인사" in listing and "아직 안 보이는 글" not in listing
    english = client.get("/en/mayor/about/").content.decode()
    assert "Kim Yeongdeung" in english


def test_the_month_view_and_list_show_public_events_only(client: Any, mayor: None) -> None:
    html = client.get("/mayor/schedule/", {"month": "2026-03"}).content.decode()
    assert "당산동 주민과의 대화" in html
    assert "비공개 회의" not in html
    assert client.get("/mayor/schedule/", {"month": "garbage"}).status_code == 200


def test_the_icalendar_feed_parses_back(client: Any, mayor: None) -> None:
    from icalendar import Calendar

    response = client.get("/mayor/schedule.ics")
    assert response["Content-Type"].startswith("text/calendar")
    feed = Calendar.from_ical(response.content)
    assert feed["VERSION"] == "2.0"
    assert feed["PRODID"]
    events = feed.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["당산동 주민과의 대화"]
    event = events[0]
    assert event.decoded("DTSTART") == datetime(2026, 3, 12, 14, tzinfo=SEOUL)
    assert str(event["LOCATION"]) == "당산1동 주민센터"
    assert str(event["UID"]).startswith("mayor-") and "DTSTAMP" in event


LETTER = {
    "title": "구청 앞 자전거 보관대 확충",
    "body": "구청 앞 자전거 보관대가 늘 가득 차 있습니다. 보관대를 늘려 주시면 좋겠습니다.",
    "name": "김민지",
    "phone": "010-1234-5678",
    "email": "",
    "consent": "on",
}


def test_a_letter_to_the_mayor_becomes_a_case_the_resident_can_track(
    client: Any, district: Any, settings: Any
) -> None:
    from sotong.voice.models import Case

    response = client.post("/mayor/letter/", LETTER, follow=True)
    case = Case.objects.get()
    assert case.number in response.content.decode()
    assert case.channel == "mayor_letter"
    assert case.kind == "proposal"
    assert case.requested_department.code == settings.PETITIONS_MAYOR_LETTER_DEPARTMENT
    assert case.contact_phone == "01012345678"
    tracked = client.post("/voice/track/", {"number": case.number, "contact": "010-1234-5678"})
    assert tracked.status_code == 302


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "개인정보 수집·이용에 동의해 주셔야 편지를 보낼 수 있습니다."),
        ({"phone": "", "email": ""}, "답변 받을 휴대전화 번호나 이메일 중 하나를 써 주세요."),
        ({"body": "짧아요"}, "내용은 20자 이상 써 주세요."),
    ],
)
def test_a_bad_letter_gets_a_korean_message_and_makes_no_case(
    client: Any, district: Any, change: dict[str, str], message: str
) -> None:
    from sotong.voice.models import Case

    data = {k: v for k, v in {**LETTER, **change}.items() if v != ""}
    response = client.post("/mayor/letter/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_letters_are_rate_limited(client: Any, district: Any) -> None:
    from sotong.voice.models import Case

    for _ in range(3):
        client.post("/mayor/letter/", LETTER)
    assert client.post("/mayor/letter/", LETTER).status_code == 429
    assert Case.objects.count() == 3


def test_the_mayors_office_edits_the_intro_in_the_back_office_and_an_officer_cannot(
    client: Any, mayors_office: Any, sora: Any, district: Any
) -> None:
    client.force_login(mayors_office)
    response = client.post(
        "/admin/snippets/petitions/mayorprofile/add/",
        {
            "name_ko": "김영등",
            "name_en": "",
            "name_zh": "",
            "intro_ko": "주민 곁의 구청장",
            "intro_en": "",
            "intro_zh": "",
        },
    )
    assert response.status_code == 302
    assert MayorProfile.objects.get().intro_ko == "주민 곁의 구청장"
    client.force_login(sora)
    client.post(
        "/admin/snippets/petitions/mayorprofile/add/",
        {
            "name_ko": "다른 사람",
            "intro_ko": "바꾸기",
            "name_en": "",
            "name_zh": "",
            "intro_en": "",
            "intro_zh": "",
        },
    )
    assert MayorProfile.objects.count() == 1


def test_the_letters_acknowledgement_goes_to_the_residents_phone(client: Any, district: Any) -> None:
    from sotong.connectors.models import Delivery
    from sotong.voice.models import Case
    from sotong.voice.services.routing import case_route

    client.post("/mayor/letter/", LETTER)
    case = case_route(case=Case.objects.get())
    assert case.department is not None and case.department.code == "pr"
    assert case.get_channel_display() == "구청장에게 바란다"
    assert Delivery.objects.filter(channel="sms", recipient_digest__gt="").exists()
