from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from conftest import _staff
from tests.clock import MONDAY_MORNING

NOW = MONDAY_MORNING  # Monday 2026-03-09 10:00 in Seoul


@pytest.fixture
def now(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture(autouse=True)
def _petitions_settings(settings: Any) -> None:
    settings.PETITIONS_TEST_PROVIDER = True
    settings.PETITIONS_REVIEW_THRESHOLD = 3
    settings.PETITIONS_MAYOR_THRESHOLD = 5
    settings.PETITIONS_NOTIFY = "daily"


@pytest.fixture
def who() -> Callable[[str], Any]:
    from sotong.petitions.identity import Identity, identity_digest

    def make(name: str) -> Any:
        return Identity(digest=identity_digest(provider="test", subject=name), provider="test")

    return make


@pytest.fixture
def make_proposal(district: Any, now: datetime, who: Callable[[str], Any]) -> Callable[..., Any]:
    from sotong.petitions.services.proposals import proposal_create

    def make(
        *,
        title: str = "영등포역 앞 횡단보도에 신호등을 설치해 주세요",
        body: str = "영등포역 앞 횡단보도는 차량이 많아 건너기 위험합니다. 보행자 신호등 설치를 제안합니다.",
        topic: str = "traffic",
        author: str = "민지",
    ) -> Any:
        return proposal_create(
            identity=who(author), title=title, body=body, topic=topic, dong=None, author_name=author
        )

    return make


@pytest.fixture
def mayors_office(district: Any) -> Any:
    """비서실: the mayor's office, answering every department's proposals."""
    return _staff("secretary", "최비서", "mayors_office", None)


def verify_as(client: Any, name: str, next_url: str = "/mayor/proposals/") -> Any:
    return client.post("/mayor/verify/", {"provider": "test", "name": name, "next": next_url})
