from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from sotong.connectors.kakao.skill import (
    SECRET_HEADER,
    SIMPLE_TEXT_MAX,
    SkillRefused,
    SkillRequestError,
    callback_pending,
    quick_reply,
    simple_text,
    skill_request_from,
    skill_request_parse,
    skill_response,
)
from sotong.connectors.kakao.tests.payloads import (
    BOT_ID,
    CALLBACK_URL,
    FIXTURE,
    SECRET,
    kakao_settings,
    skill_payload,
)


def post(body: dict[str, Any] | bytes, **headers: str) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return RequestFactory().post("/kakao/skill/", data=data, content_type="application/json", headers=headers)


def test_it_reads_the_stored_skill_payload() -> None:
    skill = skill_request_parse(FIXTURE.read_bytes())
    assert skill.utterance == "민원 접수"
    assert skill.user_key == "9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7"
    assert skill.bot_id == BOT_ID
    assert skill.block_id == "65f1c2a8d4e0b3417c9a2e51"
    assert skill.callback_url == ""
    assert skill.lang == "ko"
    assert skill.params == {}


def test_it_reads_the_callback_url_and_action_params() -> None:
    payload = skill_payload("가로등", callback_url=CALLBACK_URL)
    payload["action"]["params"] = {"sys_location": "당산역"}
    skill = skill_request_parse(json.dumps(payload).encode())
    assert skill.callback_url == CALLBACK_URL
    assert skill.params == {"sys_location": "당산역"}


def test_the_user_key_falls_back_to_the_bot_user_key_property() -> None:
    payload = skill_payload("안녕")
    del payload["userRequest"]["user"]["id"]
    assert (
        skill_request_parse(json.dumps(payload).encode()).user_key
        == payload["userRequest"]["user"]["properties"]["botUserKey"]
    )


def test_it_accepts_the_configured_bot_with_the_secret(settings: Any) -> None:
    kakao_settings(settings)
    skill = skill_request_from(post(skill_payload("민원 접수"), **{SECRET_HEADER: SECRET}))
    assert skill.utterance == "민원 접수"


def test_it_accepts_the_development_channel_of_the_same_bot(settings: Any) -> None:
    kakao_settings(settings)
    skill = skill_request_from(post(skill_payload("안녕", bot_id=f"{BOT_ID}!"), **{SECRET_HEADER: SECRET}))
    assert skill.bot_id == f"{BOT_ID}!"


@pytest.mark.parametrize(
    ("headers", "bot_id"),
    [
        ({}, BOT_ID),
        ({SECRET_HEADER: "wrong"}, BOT_ID),
        ({SECRET_HEADER: SECRET[:-1]}, BOT_ID),
        ({SECRET_HEADER: SECRET}, "5a548e36aea1a43fa851ecd9"),
        ({SECRET_HEADER: SECRET}, f"{BOT_ID}x"),
    ],
)
def test_it_refuses_a_request_without_the_secret_or_from_another_bot(
    settings: Any, headers: dict[str, str], bot_id: str
) -> None:
    kakao_settings(settings)
    with pytest.raises(SkillRefused):
        skill_request_from(post(skill_payload("민원 접수", bot_id=bot_id), **headers))


def test_an_unset_secret_refuses_everything(settings: Any) -> None:
    kakao_settings(settings)
    settings.KAKAO_SKILL_SECRET = ""
    with pytest.raises(SkillRefused):
        skill_request_from(post(skill_payload("민원 접수"), **{SECRET_HEADER: ""}))


def test_the_secret_is_checked_before_the_body_is_read(settings: Any) -> None:
    kakao_settings(settings)
    with pytest.raises(SkillRefused):
        skill_request_from(post(b"not json"))


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"{}",
        json.dumps({"userRequest": {"utterance": "hi"}, "bot": {"id": BOT_ID}}).encode(),
        json.dumps({"userRequest": {"user": {"id": ""}}, "bot": {"id": BOT_ID}}).encode(),
        json.dumps({"userRequest": {"user": {"id": "k" * 201}}, "bot": {"id": BOT_ID}}).encode(),
        json.dumps({"userRequest": {"user": {"id": "k"}}, "bot": {}}).encode(),
        b"{" + b" " * (64 * 1024) + b"}",
    ],
)
def test_it_rejects_a_body_that_is_not_a_skill_request(body: bytes) -> None:
    with pytest.raises(SkillRequestError):
        skill_request_parse(body)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_any_json_is_read_or_rejected_cleanly(value: Any) -> None:
    for body in (
        value,
        {"userRequest": value, "bot": value},
        {"userRequest": {"user": value}, "bot": {"id": "b"}},
    ):
        with contextlib.suppress(SkillRequestError):
            skill_request_parse(json.dumps(body).encode())


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
