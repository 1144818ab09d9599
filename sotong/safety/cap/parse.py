"""CAP 1.2 documents as plain data: read safely, validated, then taken apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from sotong.safety.cap.validate import (
    CAP12,
    CapError,
    parse_circle,
    parse_polygon,
    parse_time,
    read_xml,
    validate_cap,
)

NS = {"c": CAP12}


@dataclass
class CapArea:
    description: str
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # lat, lon, radius km
    geocodes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CapInfo:
    language: str
    categories: list[str]
    event: str
    urgency: str
    severity: str
    certainty: str
    event_codes: list[tuple[str, str]]
    effective: datetime | None
    onset: datetime | None
    expires: datetime | None
    sender_name: str
    headline: str
    description: str
    instruction: str
    web: str
    areas: list[CapArea]


@dataclass
class CapMessage:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: list[tuple[str, str, str]]  # (sender, identifier, sent)
    note: str
    infos: list[CapInfo]
    raw_xml: str


def _t(element: etree._Element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _pairs(element: etree._Element, path: str) -> list[tuple[str, str]]:
    return [(_t(e, "c:valueName"), _t(e, "c:value")) for e in element.iterfind(path, NS)]


def _time(element: etree._Element, path: str) -> datetime | None:
    value = _t(element, path)
    return parse_time(value) if value else None


def _area(element: etree._Element) -> CapArea:
    polygons = [parse_polygon((e.text or "").strip()) for e in element.iterfind("c:polygon", NS)]
    circles = [parse_circle((e.text or "").strip()) for e in element.iterfind("c:circle", NS)]
    return CapArea(
        description=_t(element, "c:areaDesc"),
        polygons=[p for p in polygons if p],
        circles=[c for c in circles if c],
        geocodes=_pairs(element, "c:geocode"),
    )


def _info(element: etree._Element) -> CapInfo:
    return CapInfo(
        # CAP's default language is en-US.
        language=_t(element, "c:language") or "en-US",
        categories=[(e.text or "").strip() for e in element.iterfind("c:category", NS)],
        event=_t(element, "c:event"),
        urgency=_t(element, "c:urgency"),
        severity=_t(element, "c:severity"),
        certainty=_t(element, "c:certainty"),
        event_codes=_pairs(element, "c:eventCode"),
        effective=_time(element, "c:effective"),
        onset=_time(element, "c:onset"),
        expires=_time(element, "c:expires"),
        sender_name=_t(element, "c:senderName"),
        headline=_t(element, "c:headline"),
        description=_t(element, "c:description"),
        instruction=_t(element, "c:instruction"),
        web=_t(element, "c:web"),
        areas=[_area(a) for a in element.iterfind("c:area", NS)],
    )


def parse_cap(data: bytes) -> CapMessage:
    """Read, validate and take apart one CAP document; raises `CapError` with the reason."""
    original = read_xml(data)
    root = validate_cap(original)
    sent = parse_time(_t(root, "c:sent"))
    if sent is None:  # the schema's pattern already demands an offset
        raise CapError("sent")
    references = []
    for item in _t(root, "c:references").split():
        sender, identifier, ref_sent = item.split(",")
        references.append((sender, identifier, ref_sent))
    return CapMessage(
        identifier=_t(root, "c:identifier"),
        sender=_t(root, "c:sender"),
        sent=sent,
        status=_t(root, "c:status"),
        msg_type=_t(root, "c:msgType"),
        scope=_t(root, "c:scope"),
        references=references,
        note=_t(root, "c:note"),
        infos=[_info(i) for i in root.iterfind("c:info", NS)],
        raw_xml=etree.tostring(original, encoding="unicode"),
    )
