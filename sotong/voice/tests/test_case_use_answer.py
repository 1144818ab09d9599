"""The case page's "use this answer" (?use_answer=<number>): only answers the officer may see — their own
department's, or one the resident allowed to publish — and always masked like the similar-cases list."""

from __future__ import annotations

from typing import Any

import pytest

from sotong.organisation.models import Department
from sotong.voice.models import Case
from sotong.voice.services import handling
from sotong.voice.tests.test_inbox_pages import roads_case, signed_in

pytestmark = pytest.mark.django_db

# What identifies the earlier resident, in their report and in the officer's answer.
NAME = "최서연"
PHONE = "010-5555-7777"
ANSWER = f"{NAME}님, 말씀하신 가로등을 교체했습니다. 문의는 {PHONE}(담당 주무관)로 주세요."


def welfare_answered(sora: Any, *, publish: bool) -> Case:
    """A case of 복지정책과, answered by 소라: it names its resident and a phone number."""
    case = roads_case(
        f"가로등이 꺼져 있어요. {NAME}, 연락처 {PHONE}",
        consent_publish=publish,
        contact_name=NAME,
    )
    Case.objects.filter(pk=case.pk).update(department=Department.objects.get(code="welfare"))
    case.refresh_from_db()
    handling.case_reply(case=case, body=ANSWER, by=sora)
    return case


def roads_case_welfare_might_own(text: str) -> Case:
    """A roads case the router thought might be welfare's too: the similar-cases list draws on the
    departments a case plausibly belongs to (selectors.plausible_departments)."""
    case = roads_case(text)
    Case.objects.filter(pk=case.pk).update(routing_top3=[["roads", 0.8], ["welfare", 0.2]])
    case.refresh_from_db()
    return case


def reply_box(page: str) -> str:
    start = page.index('id="reply-body"')
    return page[page.index(">", start) + 1 : page.index("</textarea>", start)]


def test_an_answer_of_the_officers_own_department_fills_the_reply_box_masked(junho: Any) -> None:
    earlier = roads_case(f"가로등이 꺼져 있어요. {NAME}", contact_name=NAME)
    handling.case_reply(case=earlier, body=ANSWER, by=junho)
    case = roads_case("가로등이 깜빡여요")

    page = signed_in(junho).get(f"/admin/voice/cases/{case.number}/?use_answer={earlier.number}").text
    box = reply_box(page)
    assert "말씀하신 가로등을 교체했습니다." in box
    assert "최*연님" in box and "010-****-7777" in box
    assert NAME not in page and "5555-7777" not in page


def test_another_departments_unpublished_answer_is_not_used_and_does_not_leak(junho: Any, sora: Any) -> None:
    other = welfare_answered(sora, publish=False)
    case = roads_case_welfare_might_own("가로등이 깜빡여요")

    response = signed_in(junho).get(f"/admin/voice/cases/{case.number}/?use_answer={other.number}")
    assert response.status_code == 200
    page = response.text
    assert reply_box(page).strip() == ""
    assert "말씀하신 가로등을 교체했습니다." not in page
    for secret in (NAME, PHONE, "5555-7777", "01055557777"):
        assert secret not in page, secret
    # The similar-cases list still shows the case (another plausible department's, masked), but does not offer
    # its answer for reuse.
    assert other.number in page and "최*연" in page
    assert f"?use_answer={other.number}" not in page


def test_another_departments_published_answer_fills_the_reply_box_masked(junho: Any, sora: Any) -> None:
    other = welfare_answered(sora, publish=True)
    case = roads_case_welfare_might_own("가로등이 깜빡여요")

    page = signed_in(junho).get(f"/admin/voice/cases/{case.number}/").text
    assert f"?use_answer={other.number}" in page
    page = signed_in(junho).get(f"/admin/voice/cases/{case.number}/?use_answer={other.number}").text
    box = reply_box(page)
    assert "말씀하신 가로등을 교체했습니다." in box
    assert "최*연님" in box and "010-****-7777" in box
    for secret in (NAME, PHONE, "5555-7777"):
        assert secret not in page, secret


def test_a_role_that_spans_departments_may_use_any_answer_masked(haneul: Any, sora: Any) -> None:
    other = welfare_answered(sora, publish=False)
    case = roads_case("가로등이 깜빡여요")

    page = signed_in(haneul).get(f"/admin/voice/cases/{case.number}/?use_answer={other.number}").text
    box = reply_box(page)
    assert "말씀하신 가로등을 교체했습니다." in box
    assert "최*연님" in box and "010-****-7777" in box


def test_an_unknown_or_unanswered_case_number_leaves_the_box_empty(junho: Any) -> None:
    unanswered = roads_case("가로등이 꺼졌어요")
    case = roads_case("가로등이 깜빡여요")
    client = signed_in(junho)
    for number in ("2099-999999", unanswered.number, "not a number"):
        page = client.get(f"/admin/voice/cases/{case.number}/", {"use_answer": number}).text
        assert reply_box(page).strip() == ""
