"""The installable app: the manifest and the service worker, one per language."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sotong.safety.tests.pages_fixtures import make_guides

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides(db: Any) -> Any:
    return make_guides()


def test_the_manifest_makes_the_page_installable_in_its_language(guides: Any) -> None:
    response = Client().get("/en/safety/manifest.webmanifest")
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["lang"] == "en"
    assert manifest["start_url"] == manifest["scope"] == "/en/safety/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    korean = json.loads(Client().get("/safety/manifest.webmanifest").content)
    assert korean["short_name"] == "내손안의 안전"
    assert korean["start_url"] == "/safety/"


def test_the_icons_are_the_sizes_the_manifest_says(guides: Any) -> None:
    from django.contrib.staticfiles import finders
    from PIL import Image

    for size in (192, 512):
        path = finders.find(f"safety/icons/icon-{size}.png")
        assert path, size
        with Image.open(path) as image:
            assert image.size == (size, size)


def test_each_language_has_a_worker_that_precaches_its_own_pages(guides: Any) -> None:
    response = Client().get("/zh-hans/safety/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(body.split("var CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["scope"] == "/zh-hans/safety/"
    assert "/zh-hans/safety/guides/flood/" in config["precache"]
    assert "/zh-hans/safety/guides/earthquake/" in config["precache"]
    assert not any(url.startswith("/safety/") or url.startswith("/en/") for url in config["precache"])
    assert config["facilities"] == "/api/safety/facilities.json"
    assert "/static/safety/safety.js" in config["precache"]


def test_the_worker_script_is_not_an_inline_script_risk(guides: Any) -> None:
    response = Client().get("/safety/sw.js")
    assert "script-src 'self'" in response["Content-Security-Policy"]
