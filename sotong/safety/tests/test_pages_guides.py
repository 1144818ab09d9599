"""Action guides: the list, one hazard's before / during / after in the page's language, and the
household's steps highlighted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sotong.safety.tests.pages_fixtures import make_guides

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides(db: Any) -> Any:
    return make_guides()


def test_the_list_links_every_guide(guides: Any) -> None:
    html = Client().get("/safety/guides/").content.decode()
    assert 'href="/safety/guides/earthquake/">지진 행동요령' in html
    assert 'href="/safety/guides/flood/">호우·침수 행동요령' in html


def test_a_guide_shows_its_phases_in_order(guides: Any) -> None:
    html = Client().get("/safety/guides/flood/").content.decode()
    before, during, after = (html.index(f'id="phase-{p}"') for p in ("before", "during", "after"))
    assert before < during < after
    assert "지하 주차장과 반지하에서 바로 나오세요." in html
    assert "guide-step--mine" not in html


def test_a_guide_speaks_english_and_chinese(guides: Any) -> None:
    english = Client().get("/en/safety/guides/flood/").content.decode()
    assert "<h1>Heavy rain and flooding</h1>" in english
    assert "Leave basements and car parks at once." in english
    chinese = Client().get("/zh-hans/safety/guides/flood/").content.decode()
    assert "暴雨·内涝应对要领" in chinese
    assert 'lang="zh-Hans"' in chinese


def test_the_households_steps_are_highlighted(guides: Any) -> None:
    html = Client().get("/safety/guides/flood/", {"for": ["elderly", "nonsense"]}).content.decode()
    assert html.count("guide-step--mine") == 1
    assert "우리 가구에 해당" in html
    assert 'value="elderly" checked' in html


def test_an_unknown_or_missing_guide_is_not_found(guides: Any) -> None:
    assert Client().get("/safety/guides/meteor/").status_code == 404
    assert Client().get("/safety/guides/gas_leak/").status_code == 404
