from __future__ import annotations

from typing import Any

import pytest

from sotong.petitions.models import Proposal
from sotong.petitions.tests.conftest import verify_as

pytestmark = pytest.mark.django_db

FORM = {
    "title": "당산동 공원에 그늘막을 설치해 주세요",
    "body": "여름에 당산공원 놀이터에는 그늘이 없어 아이들이 놀기 어렵습니다. 그늘막 설치를 제안합니다.",
    "topic": "parks",
    "dong": "",
    "author_name": "민지",
}


def test_reading_proposals_needs_no_account(client: Any, make_proposal: Any) -> None:
    proposal = make_proposal()
    listing = client.get("/mayor/proposals/")
    assert listing.status_code == 200
    assert proposal.title in listing.content.decode()
    page = client.get(f"/mayor/proposals/{proposal.pk}/")
    assert page.status_code == 200
    assert "모집 중" in page.content.decode()
    assert "본인 확인하고 공감하기" in page.content.decode()


def test_the_preview_shows_similar_proposals_before_submitting(client: Any, make_proposal: Any) -> None:
    existing = make_proposal(
        title="당산공원 놀이터 그늘막 설치 요청",
        body="당산공원 놀이터에 그늘막이 없어 여름에 아이들이 뜨거운 햇볕에 노출됩니다.",
        topic="parks",
    )
    make_proposal(
        title="구청 주차장 야간 개방", body="구청 주차장을 밤에 주민에게 개방해 주세요. 주차난이 심합니다."
    )
    response = client.post("/mayor/proposals/new/", {**FORM, "action": "preview"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "비슷한 제안이 있습니다" in html
    assert existing.title in html
    assert "구청 주차장 야간 개방" not in html
    assert Proposal.objects.count() == 2


def test_the_similar_fragment_answers_while_the_resident_types(client: Any, make_proposal: Any) -> None:
    existing = make_proposal(
        title="당산공원 놀이터 그늘막 설치 요청",
        body="놀이터에 그늘막이 필요합니다. 여름 햇볕이 너무 뜨겁습니다.",
        topic="parks",
    )
    response = client.get("/mayor/proposals/similar/", {"q": "공원 그늘막"})
    assert existing.title in response.content.decode()
    assert "이 제안에 공감하기" in response.content.decode()


def test_submitting_without_verification_keeps_the_draft_and_asks_to_verify(
    client: Any, district: Any
) -> None:
    response = client.post("/mayor/proposals/new/", {**FORM, "action": "submit"})
    assert response.status_code == 302
    assert response["Location"].startswith("/mayor/verify/")
    assert Proposal.objects.count() == 0
    verify_as(client, "민지", "/mayor/proposals/new/")
    form = client.get("/mayor/proposals/new/").content.decode()
    assert FORM["title"] in form


def test_a_verified_resident_proposes(client: Any, district: Any, now: Any) -> None:
    verify_as(client, "민지")
    response = client.post("/mayor/proposals/new/", {**FORM, "action": "submit"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mayor/proposals/{proposal.pk}/"
    assert proposal.department.code == "parks"
    assert proposal.stage == "collecting"
    assert "민지" not in proposal.author_digest


def test_personal_data_in_a_proposal_is_masked(client: Any, district: Any) -> None:
    verify_as(client, "민지")
    client.post(
        "/mayor/proposals/new/",
        {**FORM, "body": FORM["body"] + " 연락은 010-1234-5678로 주세요.", "action": "submit"},
    )
    assert "010-****-5678" in Proposal.objects.get().body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "제목을 써 주세요."),
        ({"title": "짧음"}, "제목은 5자 이상 써 주세요."),
        ({"body": "너무 짧은 내용"}, "제안 내용은 20자 이상 써 주세요."),
        ({"topic": "nonsense"}, "분야를 골라 주세요."),
        ({"author_name": ""}, "제안자 이름(별명도 됩니다)을 써 주세요."),
    ],
)
def test_bad_input_gets_a_clear_korean_message_and_saves_nothing(
    client: Any, district: Any, change: dict[str, str], message: str
) -> None:
    verify_as(client, "민지")
    response = client.post("/mayor/proposals/new/", {**FORM, **change, "action": "submit"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Proposal.objects.count() == 0
