from __future__ import annotations

import secrets
from typing import Any

import pytest

from sotong.connectors.kakao.tests.payloads import kakao_settings


@pytest.fixture
def kakao(settings: Any) -> None:
    """The KakaoTalk skill switched on with the test bot's id and secret."""
    kakao_settings(settings)


@pytest.fixture
def user() -> str:
    """A botUserKey of its own for each test, so conversations never meet in a shared cache."""
    return secrets.token_hex(35)
