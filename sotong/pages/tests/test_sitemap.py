"""/sitemap.xml: every public page in every language with hreflang alternates, and no draft or private page."""

from __future__ import annotations

from typing import Any

import pytest
from defusedxml import ElementTree
from django.test import Client
from wagtail.models import PageViewRestriction

from sotong.pages.models import HomePage

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def entries() -> dict[str, dict[str, str]]:
    """Each <loc> with its alternates by hreflang."""
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return {
        url.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }


def test_the_home_and_directory_pages_are_listed_in_every_language_with_their_translations(
    site_pages: Any,
) -> None:
    found = entries()
    for loc in ("http://testserver/", "http://testserver/en/", "http://testserver/zh-hans/"):
        assert found[loc] == {
            "ko": "http://testserver/",
            "en": "http://testserver/en/",
            "zh-hans": "http://testserver/zh-hans/",
            "x-default": "http://testserver/",
        }
    assert found["http://testserver/en/departments/"]["ko"] == "http://testserver/departments/"


def test_resident_pages_outside_wagtail_are_listed_in_every_language(site_pages: Any) -> None:
    found = entries()
    for path in ("voice/answered/", "voice/", "safety/", "tv/"):
        assert f"http://testserver/{path}" in found
        assert found[f"http://testserver/{path}"]["en"] == f"http://testserver/en/{path}"
        assert f"http://testserver/zh-hans/{path}" in found
    assert not any("/voice/track/" in loc for loc in found)


def test_drafts_and_private_pages_are_left_out(site_pages: Any) -> None:
    draft = HomePage(title="초안", slug="sitemap-draft", live=False)
    site_pages.add_child(instance=draft)
    private = HomePage(title="직원 전용", slug="sitemap-private")
    site_pages.add_child(instance=private)
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    public = HomePage(title="공개", slug="sitemap-public")
    site_pages.add_child(instance=public)
    public.save_revision().publish()
    found = entries()
    assert "http://testserver/sitemap-public/" in found
    assert "http://testserver/sitemap-draft/" not in found
    assert "http://testserver/sitemap-private/" not in found


def test_the_sitemap_takes_a_bounded_number_of_queries(
    site_pages: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        page = HomePage(title=f"공개 {n}", slug=f"sitemap-bulk-{n}")
        site_pages.add_child(instance=page)
        page.save_revision().publish()
    with django_assert_max_num_queries(12):
        Client().get("/sitemap.xml")
