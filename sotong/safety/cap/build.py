"""The district's alerts as CAP 1.2 documents and the Atom index that lists them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from django.utils import timezone, translation
from lxml import etree

from sotong.core.workdays import SEOUL
from sotong.safety.cap.validate import CAP12
from sotong.safety.choices import Hazard

ATOM = "http://www.w3.org/2005/Atom"
# Our three languages and the tags CAP consumers expect (RFC 3066).
LANGUAGES = (("ko", "ko-KR", "ko"), ("en", "en-US", "en"), ("zh", "zh-CN", "zh-hans"))
CATEGORY: dict[str, str] = {
    Hazard.EARTHQUAKE: "Geo",
    Hazard.TSUNAMI: "Geo",
    Hazard.FLOOD: "Met",
    Hazard.TYPHOON: "Met",
    Hazard.HEAT: "Met",
    Hazard.COLD: "Met",
    Hazard.FIRE: "Fire",
    Hazard.AIR_RAID: "Security",
    Hazard.FINE_DUST: "Env",
    Hazard.INFECTIOUS_DISEASE: "Health",
    Hazard.POWER_OUTAGE: "Infra",
    Hazard.GAS_LEAK: "Safety",
}


class CapAlert(Protocol):
    """What a CAP document is built from (an `Alert`); the texts per language are read as
    headline_<ko|en|zh>, description_… and instruction_…."""

    @property
    def identifier(self) -> str: ...
    @property
    def sender(self) -> str: ...
    @property
    def sent(self) -> datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def msg_type(self) -> str: ...
    @property
    def scope(self) -> str: ...
    @property
    def references(self) -> Any: ...
    @property
    def hazard(self) -> str: ...
    @property
    def event(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def urgency(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def certainty(self) -> str: ...
    @property
    def area_desc(self) -> str: ...
    @property
    def areas(self) -> Any: ...


class CapDong(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


class CapShelter(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


def cap_time(moment: datetime) -> str:
    """CAP dateTime in Korean time, with its offset and without fractions: 2026-07-15T14:00:00+09:00."""
    return timezone.localtime(moment, SEOUL).replace(microsecond=0).isoformat()


def cap_reference(*, sender: str, identifier: str, sent: datetime) -> str:
    """CAP's extended identifier of an earlier message (for <references>): sender,identifier,sent."""
    return f"{sender},{identifier},{cap_time(sent)}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = CAP12) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _closed(points: list[list[float]]) -> list[list[float]]:
    return points if points and points[0] == points[-1] else [*points, points[0]]


def _area(info: etree._Element, alert: CapAlert, dongs: Sequence[CapDong], language: str) -> None:
    area = _sub(info, "area")
    with translation.override(language):
        names = ", ".join(d.name for d in dongs)
    _sub(area, "areaDesc", alert.area_desc or names or alert.sender)
    for shape in alert.areas:
        if shape.get("type") == "polygon" and len(shape.get("points", [])) >= 3:
            points = _closed(shape["points"])
            _sub(area, "polygon", " ".join(f"{lat:.6f},{lon:.6f}" for lat, lon in points))
    for shape in alert.areas:
        if shape.get("type") == "circle":
            radius_km = float(shape["radius_m"]) / 1000
            _sub(area, "circle", f"{float(shape['lat']):.6f},{float(shape['lon']):.6f} {radius_km:g}")
    for dong in dongs:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "SOTONG_DONG")
        _sub(geocode, "value", dong.code)


def build_cap(
    alert: CapAlert,
    *,
    dongs: Sequence[CapDong],
    shelters: Sequence[CapShelter],
    web_url: dict[str, str],
    sender_name: dict[str, str],
) -> bytes:
    """One CAP 1.2 document: an <info> per language the alert is written in (Korean always), its area
    the alert's shapes and `dongs`, the `shelters` as parameters. `web_url` and `sender_name` map
    "ko"/"en"/"zh" to the alert page and the district's name."""
    root = etree.Element(f"{{{CAP12}}}alert", nsmap={None: CAP12})
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(alert.sent))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", alert.scope)
    if alert.references:
        _sub(root, "references", " ".join(alert.references))
    for short, tag, django_lang in LANGUAGES:
        headline = getattr(alert, f"headline_{short}")
        if not headline:
            continue
        info = _sub(root, "info")
        _sub(info, "language", tag)
        _sub(info, "category", CATEGORY.get(alert.hazard, alert.category or "Other"))
        with translation.override(django_lang):
            event = str(Hazard(alert.hazard).label) if alert.hazard else alert.event
        _sub(info, "event", event or alert.event)
        if alert.msg_type == "Cancel":
            _sub(info, "responseType", "AllClear")
        _sub(info, "urgency", alert.urgency)
        _sub(info, "severity", alert.severity)
        _sub(info, "certainty", alert.certainty)
        if alert.hazard:
            code = _sub(info, "eventCode")
            _sub(code, "valueName", "SOTONG_HAZARD")
            _sub(code, "value", alert.hazard)
        for name in ("effective", "onset", "expires"):
            moment = getattr(alert, name)
            if moment is not None:
                _sub(info, name, cap_time(moment))
        _sub(info, "senderName", sender_name.get(short) or sender_name["ko"])
        _sub(info, "headline", headline)
        description = getattr(alert, f"description_{short}")
        instruction = getattr(alert, f"instruction_{short}")
        if description:
            _sub(info, "description", description)
        if instruction:
            _sub(info, "instruction", instruction)
        _sub(info, "web", web_url.get(short) or web_url["ko"])
        for shelter in shelters:
            parameter = _sub(info, "parameter")
            _sub(parameter, "valueName", "SHELTER")
            with translation.override(django_lang):
                _sub(parameter, "value", f"{shelter.name} ({shelter.lat:.6f},{shelter.lon:.6f})")
        _area(info, alert, dongs, django_lang)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build_atom(
    entries: Iterable[dict[str, Any]], *, feed_id: str, title: str, self_url: str, updated: datetime
) -> bytes:
    """An Atom 1.0 index; each entry names the alert, links its CAP document and says when it changed."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _sub(root, "id", feed_id, ns=ATOM)
    _sub(root, "title", title, ns=ATOM)
    _sub(root, "updated", cap_time(updated), ns=ATOM)
    link = _sub(root, "link", ns=ATOM)
    link.set("rel", "self")
    link.set("href", self_url)
    author = _sub(root, "author", ns=ATOM)
    _sub(author, "name", title, ns=ATOM)
    for entry in entries:
        item = _sub(root, "entry", ns=ATOM)
        _sub(item, "id", entry["id"], ns=ATOM)
        _sub(item, "title", entry["title"], ns=ATOM)
        _sub(item, "updated", cap_time(entry["updated"]), ns=ATOM)
        if entry.get("summary"):
            _sub(item, "summary", entry["summary"], ns=ATOM)
        link = _sub(item, "link", ns=ATOM)
        link.set("rel", "alternate")
        link.set("type", "application/cap+xml")
        link.set("href", entry["cap_url"])
        if entry.get("page_url"):
            page = _sub(item, "link", ns=ATOM)
            page.set("rel", "related")
            page.set("type", "text/html")
            page.set("href", entry["page_url"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
