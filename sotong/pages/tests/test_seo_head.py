"""What every resident page says in its <head>: canonical address, Open Graph, Twitter card, schema.org."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from sotong.organisation.models import District
from sotong.pages.seo.meta import json_ld

pytestmark = pytest.mark.django_db


def ld_blocks(html: str) -> list[dict[str, Any]]:
    return [
        json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)


def test_the_home_page_has_a_canonical_address_and_an_open_graph_card(site_pages: Any) -> None:
    html = Client().get("/").text
    assert '<link rel="canonical" href="http://testserver/">' in html
    assert meta(html, "og:title") == [site_pages.title]
    assert meta(html, "og:locale") == ["ko_KR"]
    assert set(meta(html, "og:locale:alternate")) == {"en_US", "zh_CN"}
    assert meta(html, "og:image") == [f"http://testserver/share/{site_pages.pk}.png"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    # The description comes from the page's intro when it has no search description.
    assert meta(html, "og:description")[0].startswith("궁금한 것, 불편한 것")


def test_the_search_description_is_the_description_when_the_editor_wrote_one(site_pages: Any) -> None:
    site_pages.search_description = "영등포구 주민과 구청이 함께 쓰는 소통 창구"
    site_pages.save_revision().publish()
    html = Client().get("/").text
    assert meta(html, "og:description") == ["영등포구 주민과 구청이 함께 쓰는 소통 창구"]
    assert meta(html, "twitter:description") == ["영등포구 주민과 구청이 함께 쓰는 소통 창구"]


def test_every_page_names_the_district_as_a_government_organisation(site_pages: Any) -> None:
    district = District.objects.get()
    for url in ("/", "/voice/answered/", "/search/?q=주차"):
        blocks = ld_blocks(Client().get(url).text)
        organisation = next(b for b in blocks if b["@type"] == "GovernmentOrganization")
        assert organisation["name"] == district.name_ko
        assert organisation["telephone"] == district.phone
        assert organisation["address"]["streetAddress"] == district.address_ko
        assert organisation["url"] == "http://testserver/"


def test_the_district_is_named_in_the_language_of_the_page(site_pages: Any) -> None:
    district = District.objects.get()
    html = Client().get("/en/").text
    organisation = next(b for b in ld_blocks(html) if b["@type"] == "GovernmentOrganization")
    assert organisation["name"] == district.name_en
    assert meta(html, "og:locale") == ["en_US"]


def test_a_page_that_is_not_a_wagtail_page_gets_the_site_card(site_pages: Any) -> None:
    html = Client().get("/en/voice/answered/").text
    assert '<link rel="canonical" href="http://testserver/en/voice/answered/">' in html
    assert meta(html, "og:image") == ["http://testserver/share/site-en.png"]


def test_the_canonical_address_leaves_the_query_out(site_pages: Any) -> None:
    html = Client().get("/search/", {"q": "주차", "page": "2"}).text
    assert '<link rel="canonical" href="http://testserver/search/">' in html


def test_json_ld_cannot_close_its_script_element() -> None:
    html = json_ld({"name": "</script><script>alert(1)</script> & <!--"})
    assert "</script><script>" not in html
    assert html.count("</script>") == 1
    body = re.search(r">(.*)</script>", html, re.S)[1]  # type: ignore[index]
    assert json.loads(body) == {"name": "</script><script>alert(1)</script> & <!--"}


def test_a_news_page_adds_its_news_article_and_is_an_article(site_pages: Any) -> None:
    from sotong.pages.tests.test_search_ranking import news  # a NewsPage, published

    page = news("겨울철 제설 대책 </script> 안내", "내 집 앞 눈 치우기에 동참해 주세요.")
    html = Client().get(page.url).text
    article = next(b for b in ld_blocks(html) if b["@type"] == "NewsArticle")
    assert article["headline"] == "겨울철 제설 대책 </script> 안내"
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:description") == ["내 집 앞 눈 치우기에 동참해 주세요."]
