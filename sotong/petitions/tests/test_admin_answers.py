from __future__ import annotations

from typing import Any

import pytest

from conftest import _staff
from sotong.connectors.models import Delivery
from sotong.petitions.services.notify import send_digests
from sotong.petitions.services.supports import support_add

pytestmark = pytest.mark.django_db

ANSWER = {
    "text": "보행자 신호등 설치를 결정했습니다. 교통안전시설심의를 거쳐 6월 중 설치합니다.",
    "outcome_text": "6월 설치 예정",
    "outcome_url": "https://www.ydp.go.kr/traffic/",
}


@pytest.fixture
def taeho(district: Any) -> Any:
    """교통행정과 officer: answers traffic proposals."""
    return _staff("taeho", "윤태호", "officer", "traffic")


@pytest.fixture
def reviewed(make_proposal: Any, who: Any) -> Any:
    proposal = make_proposal()
    support_add(proposal=proposal, identity=who("민지"), channel="email", contact="minji@example.kr")
    for name in "나다":
        support_add(proposal=proposal, identity=who(name))
    proposal.refresh_from_db()
    return proposal


def test_an_officer_answers_their_departments_proposal(client: Any, taeho: Any, reviewed: Any) -> None:
    client.force_login(taeho)
    listing = client.get("/admin/petitions/")
    assert reviewed.title in listing.content.decode()
    client.post(
        f"/admin/petitions/{reviewed.pk}/interim/",
        {"text": "현장을 확인했고 경찰서와 협의하고 있습니다. 4월 중 결과를 알려 드립니다."},
    )
    response = client.post(f"/admin/petitions/{reviewed.pk}/answer/", ANSWER)
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.stage == "answered"
    assert reviewed.interim_text.startswith("현장을 확인했고")
    assert reviewed.answered_by == taeho
    page = client.get(f"/mayor/proposals/{reviewed.pk}/").content.decode()
    assert "보행자 신호등 설치를 결정했습니다" in page
    assert 'href="https://www.ydp.go.kr/traffic/"' in page
    send_digests()
    assert (
        "답변 완료" in Delivery.objects.get(recipient_digest__isnull=False, channel="email").payload["text"]
    )


def test_an_officer_of_another_department_neither_sees_nor_answers_it(
    client: Any, sora: Any, reviewed: Any
) -> None:
    client.force_login(sora)
    assert reviewed.title not in client.get("/admin/petitions/").content.decode()
    assert client.get(f"/admin/petitions/{reviewed.pk}/").status_code == 404
    assert client.post(f"/admin/petitions/{reviewed.pk}/answer/", ANSWER).status_code == 404
    reviewed.refresh_from_db()
    assert reviewed.stage == "review"


def test_the_mayors_office_sees_and_answers_every_department(
    client: Any, mayors_office: Any, reviewed: Any
) -> None:
    client.force_login(mayors_office)
    assert client.get(f"/admin/petitions/{reviewed.pk}/").status_code == 200
    client.post(f"/admin/petitions/{reviewed.pk}/answer/", ANSWER)
    reviewed.refresh_from_db()
    assert reviewed.stage == "answered"


def test_a_short_answer_is_refused_with_a_korean_message_and_nothing_changes(
    client: Any, taeho: Any, reviewed: Any
) -> None:
    client.force_login(taeho)
    response = client.post(
        f"/admin/petitions/{reviewed.pk}/answer/", {**ANSWER, "text": "검토 중"}, follow=True
    )
    assert "답변은 20자 이상 써 주세요." in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.stage == "review" and reviewed.answer_text == ""


def test_an_answer_link_must_be_a_web_address(client: Any, taeho: Any, reviewed: Any) -> None:
    client.force_login(taeho)
    response = client.post(
        f"/admin/petitions/{reviewed.pk}/answer/",
        {**ANSWER, "outcome_url": "javascript:alert(1)"},
        follow=True,
    )
    assert "http:// 또는 https://로 시작하는 주소" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.stage == "review"


def test_staff_without_a_department_get_no_answer_page(client: Any, district: Any) -> None:
    editor = _staff("editor", "편집자", "editor", None)
    client.force_login(editor)
    response = client.get("/admin/petitions/")
    # Wagtail answers a refused permission by sending the person back to the dashboard.
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_the_threshold_puts_the_proposal_in_the_departments_case_inbox(reviewed: Any) -> None:
    from sotong.petitions.tasks import refer_proposal
    from sotong.voice.models import Case

    number = refer_proposal.call(proposal_id=reviewed.pk)
    case = Case.objects.get(number=number)
    assert case.channel == "proposal"
    assert case.external_id == str(reviewed.pk)
    assert case.requested_department.code == "traffic"
    assert case.kind == "proposal"
    reviewed.refresh_from_db()
    assert reviewed.case_number == number
    assert refer_proposal.call(proposal_id=reviewed.pk) == number
