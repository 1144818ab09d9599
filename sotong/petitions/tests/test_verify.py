from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from sotong.connectors.models import Delivery
from sotong.petitions.identity import SESSION_KEY, identity_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_on(settings: Any) -> None:
    settings.SMS_ENABLED = True
    settings.PETITIONS_TEST_PROVIDER = False


def _code() -> str:
    text = Delivery.objects.filter(channel="sms").latest("pk").payload["text"]
    return re.search(r"인증번호 (\d{6})", text).group(1)  # type: ignore[union-attr]


def _send(client: Any, phone: str = "010-1234-5678") -> Any:
    return client.post(
        "/mayor/verify/", {"provider": "phone", "step": "send", "phone": phone, "next": "/mayor/proposals/"}
    )


def test_a_code_by_sms_proves_the_number_and_only_its_digest_is_kept(
    client: Any, phone_on: None, now: Any
) -> None:
    response = _send(client)
    assert response.status_code == 200
    assert "여섯 자리 인증번호를 입력해 주세요" in response.content.decode()
    assert Delivery.objects.get().recipient == "01012345678"
    response = client.post(
        "/mayor/verify/", {"provider": "phone", "step": "code", "code": _code(), "next": "/mayor/proposals/"}
    )
    assert response.status_code == 302
    stored = client.session[SESSION_KEY]
    assert stored["provider"] == "phone"
    assert "01012345678" not in repr(dict(client.session))
    from sotong.core.crypto import digest

    assert stored["digest"] == identity_digest(
        provider="phone", subject=digest("petitions-phone:01012345678")
    )


def test_a_wrong_code_is_refused_in_korean_and_verifies_nothing(client: Any, phone_on: None) -> None:
    _send(client)
    wrong = "000000" if _code() != "000000" else "111111"
    response = client.post("/mayor/verify/", {"provider": "phone", "step": "code", "code": wrong})
    assert response.status_code == 400
    assert "인증번호가 맞지 않습니다" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_expired_code_is_refused(client: Any, phone_on: None, time_machine: Any, now: Any) -> None:
    _send(client)
    code = _code()
    time_machine.move_to(now + timedelta(minutes=6), tick=False)
    response = client.post("/mayor/verify/", {"provider": "phone", "step": "code", "code": code})
    assert "유효 시간이 지났습니다" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_five_wrong_tries_spend_the_code(client: Any, phone_on: None) -> None:
    _send(client)
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/mayor/verify/", {"provider": "phone", "step": "code", "code": wrong})
    response = client.post("/mayor/verify/", {"provider": "phone", "step": "code", "code": code})
    assert "여러 번 틀렸습니다" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_codes_to_one_number_are_rate_limited(client: Any, phone_on: None) -> None:
    for _ in range(3):
        _send(client)
    response = _send(client)
    assert response.status_code == 400
    assert "너무 자주 요청하셨습니다" in response.content.decode()
    assert Delivery.objects.count() == 3


def test_a_number_that_is_not_a_mobile_is_refused(client: Any, phone_on: None) -> None:
    response = _send(client, "02-2670-3114")
    assert response.status_code == 400
    assert "휴대전화 번호를 확인해 주세요" in response.content.decode()
    assert not Delivery.objects.exists()


def test_the_test_provider_is_off_unless_configured(client: Any, settings: Any, district: Any) -> None:
    settings.PETITIONS_TEST_PROVIDER = False
    response = client.post("/mayor/verify/", {"provider": "test", "name": "민지"})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
