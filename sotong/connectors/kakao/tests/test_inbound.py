"""What Open Builder sends us: reading and verifying a skill request."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from sotong.connectors.kakao.inbound import (
    SECRET_HEADER,
    SkillRefused,
    SkillRequestError,
    skill_request_from,
    skill_request_parse,
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
