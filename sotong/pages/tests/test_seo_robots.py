"""/robots.txt: public pages allowed, the back office and residents' own pages not, the sitemap named."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_robots_allows_the_site_and_names_the_sitemap(site_pages: Any) -> None:
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_keeps_crawlers_out_of_the_back_office_and_residents_own_pages(site_pages: Any) -> None:
    lines = Client().get("/robots.txt").text.splitlines()
    for path in (
        "/admin/",
        "/voice/track/",
        "/en/voice/track/",
        "/zh-hans/voice/track/",
        "/voice/submitted/",
    ):
        assert f"Disallow: {path}" in lines
    # Search results are endless combinations of words: not for crawling.
    assert "Disallow: /search/" in lines
    assert "Disallow: /voice/answered/" not in lines
