"""The home page shows what the domains registered for it (sotong.core.blocks), without pages importing
them: voice's block with the latest answers residents agreed to publish, masked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from sotong.core import blocks
from sotong.core.blocks import Block, register_block
from sotong.voice.tests.test_published_answers import answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_block() -> Iterator[None]:
    saved = dict(blocks._blocks)
    yield
    blocks._blocks.clear()
    blocks._blocks.update(saved)


def test_the_home_page_shows_the_latest_published_answers_masked(site_pages: Any, junho: Any) -> None:
    answered(junho, publish=True, text="보도블록이 깨졌어요. 연락은 010-9876-5432로.", answer="오늘 보수를 마쳤습니다.")
    answered(junho, publish=False, text="우리 집 앞 보도가 꺼졌어요. 비공개로 해 주세요.")

    page = Client().get("/").text
    assert "구청에 말하기" in page
    assert 'href="/voice/"' in page
    assert "보도블록이 깨졌어요." in page and "오늘 보수를 마쳤습니다." in page
    assert "010-****-5432" in page and "9876-5432" not in page
    assert "비공개로 해 주세요" not in page
    assert 'href="/voice/answered/"' in page


def test_the_block_speaks_the_page_language(site_pages: Any) -> None:
    page = Client().get("/en/").text
    assert "Talk to the district office" in page
    assert 'href="/en/voice/"' in page


def test_a_registered_block_shows_and_one_with_nothing_to_show_adds_nothing(
    site_pages: Any, extra_block: None
) -> None:
    register_block(
        Block(key="test.shown", region="home", template="pages/blocks/heading.html", context=lambda r: {"value": "새 모듈"})
    )
    register_block(
        Block(key="test.empty", region="home", template="pages/blocks/heading.html", context=lambda r: None)
    )
    page = Client().get("/").text
    assert page.count("새 모듈") == 1


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown region"):
        register_block(Block(key="x", region="footer", template="x.html", context=lambda r: {}))
