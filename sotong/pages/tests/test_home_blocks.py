"""The home page shows what the domains registered for it (sotong.core.blocks), without pages importing
them: voice's block with the latest answers residents agreed to publish, masked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from sotong.core import blocks
from sotong.core.blocks import Block, register_block
from sotong.safety.tests import alerts_fixtures
from sotong.safety.tests.alerts_fixtures import published
from sotong.voice.tests.test_published_answers import answered

pytestmark = pytest.mark.django_db
seoyeon = alerts_fixtures.seoyeon


@pytest.fixture
def extra_block() -> Iterator[None]:
    saved = dict(blocks._blocks)
    yield
    blocks._blocks.clear()
    blocks._blocks.update(saved)


def test_the_home_page_shows_the_latest_published_answers_masked(site_pages: Any, junho: Any) -> None:
    answered(
        junho,
        publish=True,
        text="보도블록이 깨졌어요. 연락은 010-9876-5432로.",
        answer="오늘 보수를 마쳤습니다.",
    )
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
        Block(
            key="test.shown",
            region="home",
            template="pages/blocks/heading.html",
            context=lambda r: {"value": "새 모듈"},
        )
    )
    register_block(
        Block(key="test.empty", region="home", template="pages/blocks/heading.html", context=lambda r: None)
    )
    page = Client().get("/").text
    assert page.count("새 모듈") == 1


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown region"):
        register_block(Block(key="x", region="footer", template="x.html", context=lambda r: {}))


def test_the_home_page_says_no_alert_is_in_force_and_offers_the_safety_pages(site_pages: Any) -> None:
    page = Client().get("/").text
    assert "내손안의 안전" in page
    assert "지금 우리 구에 발령된 특보나 경보가 없습니다." in page
    assert 'href="/safety/"' in page and 'href="/safety/guides/"' in page and 'href="/safety/map/"' in page
    # Every resident page links the district's CAP feed in its head.
    assert 'type="application/atom+xml" title="CAP" href="/cap/"' in page


def test_an_alert_in_force_shows_in_the_banner_and_in_the_safety_block(site_pages: Any, seoyeon: Any) -> None:
    alert = published(seoyeon)
    page = Client().get("/en/").text
    assert "There is 1 alert in force now." in page
    assert page.count(f'href="/en/safety/alerts/{alert.pk}/"') == 2  # the banner and the block


def test_residents_words_carry_their_language_on_a_page_in_another(site_pages: Any, junho: Any) -> None:
    answered(junho, publish=True, text="보도블록이 깨졌어요.", answer="오늘 보수를 마쳤습니다.")
    for path in ("/en/", "/en/voice/answered/"):
        page = Client().get(path).text
        assert 'lang="ko">보도블록이 깨졌어요.' in page, path
