"""What we answer Open Builder: the documented SkillResponse shapes and limits."""

from __future__ import annotations

import pytest

from sotong.connectors.kakao.responses import (
    SIMPLE_TEXT_MAX,
    callback_pending,
    quick_reply,
    simple_text,
    skill_response,
)


def test_a_text_response_has_the_documented_shape() -> None:
    response = skill_response(
        [simple_text("간단한 텍스트 요소입니다.")],
        [quick_reply("보내기"), quick_reply("민원 확인", "민원 확인 2026-000123")],
    )
    assert response == {
        "version": "2.0",
        "template": {
            "outputs": [{"simpleText": {"text": "간단한 텍스트 요소입니다."}}],
            "quickReplies": [
                {"label": "보내기", "action": "message", "messageText": "보내기"},
                {"label": "민원 확인", "action": "message", "messageText": "민원 확인 2026-000123"},
            ],
        },
    }


def test_a_response_without_quick_replies_has_none() -> None:
    assert skill_response([simple_text("안녕하세요")]) == {
        "version": "2.0",
        "template": {"outputs": [{"simpleText": {"text": "안녕하세요"}}]},
    }


def test_a_long_text_is_cut_to_1000_characters_with_an_ellipsis() -> None:
    text = simple_text("가" * 1500)["simpleText"]["text"]
    assert len(text) == SIMPLE_TEXT_MAX
    assert text.endswith("…")
    assert simple_text("가" * 1000)["simpleText"]["text"] == "가" * 1000


def test_a_cut_text_keeps_its_closing_link() -> None:
    link = "자세히 보기: https://sotong.example/voice/track/2026-000123/?t=abc"
    text = simple_text("답변 " * 600 + "\n\n" + link, keep_link=True)["simpleText"]["text"]
    assert len(text) <= SIMPLE_TEXT_MAX
    assert text.endswith(link)
    assert "…" in text


def test_quick_reply_labels_are_held_to_14_characters() -> None:
    reply = quick_reply("Check the status of my report", "check")
    assert len(reply["label"]) == 14
    assert reply["messageText"] == "check"


@pytest.mark.parametrize("count", [0, 4])
def test_a_response_has_one_to_three_outputs(count: int) -> None:
    with pytest.raises(ValueError, match="outputs"):
        skill_response([simple_text("x")] * count)


def test_a_response_has_at_most_ten_quick_replies() -> None:
    with pytest.raises(ValueError, match="quick replies"):
        skill_response([simple_text("x")], [quick_reply(str(n)) for n in range(11)])


def test_an_empty_text_is_not_sent() -> None:
    with pytest.raises(ValueError, match="text"):
        simple_text("  ")


def test_a_callback_answer_has_use_callback_and_no_template() -> None:
    assert callback_pending("접수했습니다.") == {
        "version": "2.0",
        "useCallback": True,
        "data": {"text": "접수했습니다."},
    }
    assert callback_pending() == {"version": "2.0", "useCallback": True}
