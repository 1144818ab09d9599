"""The case page's hints for the officer: similar answered cases (only relevant ones, no raw scores), the
router's confidence in words without negligible alternatives, and the category of a case the router sent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from sotong.organisation.models import Department
from sotong.voice import selectors
from sotong.voice.choices import Channel, Status
from sotong.voice.models import Case, CaseEvent
from sotong.voice.services import handling
from sotong.voice.services.intake import Submission, case_receive
from sotong.voice.templatetags.voice_tags import CONFIDENCE_HIGH, CONFIDENCE_MEDIUM, confidence_level
from sotong.voice.tests.test_inbox_pages import roads_case, signed_in

pytestmark = pytest.mark.django_db

RAW_SCORE = re.compile(r"\((?:0|1)\.\d\d\)")


def model_routed(text: str, top3: list[list[Any]]) -> Case:
    """A case without a category that the router sent to its first suggestion (as case_route records it)."""
    case, _ = case_receive(
        submission=Submission(channel=Channel.WEB, external_id=f"m-{Case.objects.count()}", text=text)
    )
    department = Department.objects.get(code=top3[0][0])
    Case.objects.filter(pk=case.pk).update(
        department=department,
        suggested_department=department,
        routing_confidence=top3[0][1],
        routing_top3=top3,
        status=Status.ASSIGNED,
        routed_at=timezone.now(),
    )
    CaseEvent.objects.create(
        case=case,
        kind="routed",
        detail={"by": "model", "department": top3[0][0], "confidence": top3[0][1], "top3": top3},
        public=True,
    )
    case.refresh_from_db()
    return case


def answered(case: Case, by: Any) -> Case:
    handling.case_reply(case=case, body="현장을 확인하고 조치했습니다.", by=by)
    return case


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_a_similar_answered_case_of_the_same_matter_is_offered_without_a_score(junho: Any) -> None:
    earlier = answered(roads_case("당산역 4번 출구 앞 가로등이 꺼져서 밤에 너무 어두워요"), junho)
    case = roads_case("당산역 출구 앞 가로등이 또 꺼졌어요. 밤길이 어두워요")

    similar = section(signed_in(junho).get(f"/admin/voice/cases/{case.number}/").text, "similar-heading")
    assert earlier.number in similar
    assert not RAW_SCORE.search(similar)


def test_an_answered_case_that_only_shares_the_language_is_not_offered(junho: Any) -> None:
    unrelated = answered(roads_case("Where can I buy a sticker to throw away an old sofa? Thank you."), junho)
    case = roads_case("The streetlight in front of Dangsan station has been out for a week.")

    similar = section(signed_in(junho).get(f"/admin/voice/cases/{case.number}/").text, "similar-heading")
    assert unrelated.number not in similar
    assert "비슷한 답변 사례가 없습니다." in similar


def test_answered_cases_of_departments_the_case_cannot_belong_to_are_not_offered(
    junho: Any, sora: Any
) -> None:
    welfare = answered(roads_case("당산역 출구 앞 가로등이 꺼졌어요. 어두워요"), junho)
    Case.objects.filter(pk=welfare.pk).update(department=Department.objects.get(code="welfare"))
    case = roads_case("당산역 출구 앞 가로등이 꺼졌어요")

    assert selectors.plausible_departments(case) == {"roads"}
    assert [c for c, _score in selectors.similar_answered(case=case)] == []


def test_the_most_alike_comes_first(junho: Any) -> None:
    loose = answered(roads_case("가로등 하나가 깜빡거려요"), junho)
    same = answered(roads_case("당산역 4번 출구 앞 가로등이 꺼졌어요"), junho)
    case = roads_case("당산역 4번 출구 앞 가로등이 꺼졌어요!")

    assert [c for c, _score in selectors.similar_answered(case=case)] == [same, loose]


def test_the_routers_confidence_reads_in_words_and_negligible_alternatives_are_hidden(junho: Any) -> None:
    case = model_routed(
        "보도블록이 깨져서 걸려 넘어질 뻔했어요",
        [["roads", 0.9312], ["construction", 0.0612], ["parking", 0.0041]],
    )
    page = signed_in(junho).get(f"/admin/voice/cases/{case.number}/").text
    routing = section(page, "routing-heading")
    assert "도로과" in routing and "확신도 높음" in routing
    assert "건설관리과" in routing and "확신도 낮음" in routing
    assert "주차관리과" not in routing
    assert "0.93" not in routing and "0.00" not in routing
    history = section(page, "history-heading")
    assert "분류 모델, 확신도 높음" in history
    assert "model" not in history and "0.93" not in history


def test_a_case_routed_by_the_residents_category_says_so(junho: Any) -> None:
    case = roads_case()
    page = signed_in(junho).get(f"/admin/voice/cases/{case.number}/").text
    assert "주민이 고른 분야의 담당 부서로 바로 배정했습니다." in section(page, "routing-heading")
    assert "(주민이 고른 분야)" in section(page, "history-heading")
    assert "(1.00)" not in page


def facts(page: str) -> dict[str, str]:
    block = page[page.index('class="case__facts"') : page.index("</dl>", page.index('class="case__facts"'))]
    return {
        re.sub(r"<[^>]+>", "", dt).strip(): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", dd)).strip()
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    }


def test_a_case_the_router_sent_shows_the_category_its_department_and_words_point_to(junho: Any) -> None:
    case = model_routed("신길3동 언덕길이 완전 빙판이에요. 제설 부탁드려요", [["roads", 0.98]])
    assert case.category is None

    category = facts(signed_in(junho).get(f"/admin/voice/cases/{case.number}/").text)["분야"]
    assert category.startswith("제설·결빙")
    assert "추정" in category


def test_a_category_the_resident_chose_is_shown_as_it_is(junho: Any) -> None:
    case = roads_case()
    assert (
        facts(signed_in(junho).get(f"/admin/voice/cases/{case.number}/").text)["분야"] == "가로등·보안등 고장"
    )


def test_a_department_with_one_category_gives_it_when_no_word_matches() -> None:
    case = model_routed("우리 집 앞에 뭔가 문제가 있어요", [["parking", 0.9]])
    category, inferred = selectors.case_category(case)
    assert category is not None and category.code == "illegal_parking" and inferred


def test_confidence_words_follow_the_measured_thresholds() -> None:
    assert confidence_level(CONFIDENCE_HIGH) == "높음"
    assert confidence_level(CONFIDENCE_HIGH - 0.01) == "보통"
    assert confidence_level(CONFIDENCE_MEDIUM) == "보통"
    assert confidence_level(CONFIDENCE_MEDIUM - 0.01) == "낮음"
    assert confidence_level(None) == ""


def test_similarity_ignores_particles_english_stop_words_and_other_scripts() -> None:
    scores = selectors.text_similarities(
        "가로등이 꺼졌어요",
        ["가로등은 꺼져 있어요", "the light is out", "路灯不亮", "주차 문제입니다"],
    )
    assert scores[0] > 0.3
    assert scores[1:] == [0.0, 0.0, 0.0]
    assert selectors.text_similarities("the streetlight is broken", ["a streetlights was broken"])[0] > 0.9
    assert selectors.text_similarities("🙂", ["123"]) == [0.0]
