"""The district's CAP 1.2 feed: the Atom index, one valid CAP document per alert, advertised on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from lxml import etree

from sotong.safety.cap.validate import CAP12, cap_schema, safe_parser
from sotong.safety.services.alerts import alert_cancel, alert_create
from sotong.safety.tests import alerts_fixtures
from sotong.safety.tests.alerts_fixtures import draft, published
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]
seoyeon = alerts_fixtures.seoyeon
ATOM = {"a": "http://www.w3.org/2005/Atom"}
CAP = {"c": CAP12}


def xml(response: Any) -> etree._Element:
    return etree.fromstring(response.content, safe_parser())


def test_each_published_alert_is_a_valid_cap_document_in_korean_time(seoyeon: Any, settings: Any) -> None:
    settings.SOTONG_DISTRICT_DOMAIN = "www.ydp.go.kr"
    alert = published(
        seoyeon,
        areas=[
            {"type": "polygon", "points": [[37.52, 126.89], [37.53, 126.89], [37.53, 126.90]]},
            {"type": "circle", "lat": 37.524, "lon": 126.899, "radius_m": 500},
        ],
    )

    response = Client().get(f"/cap/{alert.pk}.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    document = xml(response)
    assert cap_schema().validate(document), cap_schema().error_log
    assert document.findtext("c:sender", namespaces=CAP) == "www.ydp.go.kr"
    assert document.findtext("c:sent", namespaces=CAP).endswith("+09:00")
    assert document.findtext("c:info/c:expires", namespaces=CAP).endswith("+09:00")
    assert [i.findtext("c:language", namespaces=CAP) for i in document.iterfind("c:info", CAP)] == [
        "ko-KR",
        "en-US",
        "zh-CN",
    ]
    area = document.find("c:info/c:area", CAP)
    polygon = area.findtext("c:polygon", namespaces=CAP).split()
    assert polygon[0] == polygon[-1] and len(polygon) == 4  # closed by us
    assert area.findtext("c:circle", namespaces=CAP) == "37.524000,126.899000 0.5"
    assert [g.findtext("c:value", namespaces=CAP) for g in area.iterfind("c:geocode", CAP)] == [
        "dangsan1",
        "dangsan2",
    ]
    english = document.findall("c:info", CAP)[1]
    assert english.findtext("c:web", namespaces=CAP).endswith(f"/en/safety/alerts/{alert.pk}/")


def test_a_cancellation_is_a_valid_cap_document_that_references_the_alert(seoyeon: Any) -> None:
    original = published(seoyeon)
    cancel = alert_cancel(original=original, by=seoyeon)

    document = xml(Client().get(f"/cap/{cancel.pk}.xml"))

    assert cap_schema().validate(document), cap_schema().error_log
    assert document.findtext("c:msgType", namespaces=CAP) == "Cancel"
    assert document.findtext("c:references", namespaces=CAP).startswith(
        f"{original.sender},{original.identifier},"
    )


def test_the_atom_index_lists_alerts_in_force_and_recent_cancellations(seoyeon: Any) -> None:
    kept = published(seoyeon, headline_ko="여의동 폭염경보", hazard="heat")
    ended = published(seoyeon, headline_ko="당산동 호우경보")
    cancel = alert_cancel(original=ended, by=seoyeon)
    alert_create(data=draft(headline_ko="아직 쓰는 중"), by=seoyeon)

    response = Client().get("/cap/")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = xml(response)
    titles = [e.findtext("a:title", namespaces=ATOM) for e in feed.iterfind("a:entry", ATOM)]
    assert sorted(titles) == sorted(["여의동 폭염경보", cancel.headline_ko])
    links = [link.get("href") for link in feed.iterfind("a:entry/a:link[@type='application/cap+xml']", ATOM)]
    assert f"http://testserver/cap/{kept.pk}.xml" in links


def test_drafts_have_no_cap_document(seoyeon: Any) -> None:
    alert = alert_create(data=draft(), by=seoyeon)

    assert Client().get(f"/cap/{alert.pk}.xml").status_code == 404


def test_every_resident_page_advertises_the_feed(site_pages: Any) -> None:
    for url in ("/", "/en/", "/safety/alerts/"):
        page = Client().get(url).content.decode()
        assert '<link rel="alternate" type="application/atom+xml" title="CAP" href="/cap/">' in page, url
