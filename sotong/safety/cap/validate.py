"""Reading a CAP document safely, then checking it against the CAP 1.2 schema and the rules the schema
cannot express. Everything that is refused raises `CapError` with a reason an operator can act on."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"
CAP11 = "urn:oasis:names:tc:emergency:cap:1.1"
XINCLUDE = "http://www.w3.org/2001/XInclude"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "cap12.xsd"
# The largest real alert we hold (FEMA IPAWS) is about 100 kB; a CAP message is not a data dump.
MAX_BYTES = 2 * 1024 * 1024

# A DTD is how entity (XXE) and billion-laughs attacks arrive; CAP never needs one.
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class CapError(ValueError):
    """A document we refuse, with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def safe_parser() -> etree.XMLParser:
    """No entity expansion, no network, no DTD loading; XInclude is never processed (we never call
    `xinclude()`) and is refused outright by `read_xml`."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def _looks_like_doctype(data: bytes) -> bool:
    if _DOCTYPE.search(data):
        return True
    # UTF-16 documents hide the marker from a byte search.
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="ignore")
            return bool(_DOCTYPE.search(text.encode("utf-8")))
    return False


def read_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML, refusing anything that could reach outside the document."""
    if len(data) > MAX_BYTES:
        raise CapError(_("문서가 너무 큽니다 (최대 %(size)d바이트).") % {"size": MAX_BYTES})
    if _looks_like_doctype(data):
        raise CapError(_("DTD나 엔터티 선언이 있는 문서는 받지 않습니다 (외부 엔터티 공격 방지)."))
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CapError(_("XML로 읽을 수 없습니다: %(error)s") % {"error": exc}) from exc
    if root is None:
        raise CapError(_("XML로 읽을 수 없습니다: %(error)s") % {"error": "empty document"})
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise CapError(_("DTD나 엔터티 선언이 있는 문서는 받지 않습니다 (외부 엔터티 공격 방지)."))
    for element in root.iter():
        if isinstance(element, etree._Entity):
            raise CapError(_("DTD나 엔터티 선언이 있는 문서는 받지 않습니다 (외부 엔터티 공격 방지)."))
        if isinstance(element.tag, str) and element.tag.startswith("{" + XINCLUDE + "}"):
            raise CapError(_("XInclude가 있는 문서는 받지 않습니다."))
    return root


@functools.cache
def cap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), safe_parser()))


def _upgrade_11(root: etree._Element) -> etree._Element:
    """CAP 1.1 is a subset of 1.2 with another namespace: rename, then the 1.2 schema judges it."""
    copy = etree.fromstring(etree.tostring(root), safe_parser())
    for element in copy.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{" + CAP11 + "}"):
            element.tag = "{" + CAP12 + "}" + etree.QName(element).localname
    etree.cleanup_namespaces(copy, top_nsmap={None: CAP12})
    return copy


def validate_cap(root: etree._Element) -> etree._Element:
    """The document as CAP 1.2 (1.1 is upgraded), valid against the schema and the rules."""
    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "alert" or namespace not in (CAP12, CAP11):
        raise CapError(
            _("CAP 1.2(또는 1.1) 문서가 아닙니다: 최상위 요소가 %(tag)s 입니다.") % {"tag": root.tag}
        )
    cap = _upgrade_11(root) if namespace == CAP11 else root
    schema = cap_schema()
    if not schema.validate(cap):
        error = schema.error_log.last_error
        raise CapError(
            _("CAP 1.2 스키마에 맞지 않습니다 (%(line)s번째 줄): %(message)s")
            % {"line": error.line if error else "?", "message": error.message if error else ""}
        )
    check_rules(cap)
    return cap


def _text(root: etree._Element, path: str) -> list[str]:
    return [(e.text or "").strip() for e in root.iterfind(path, {"c": CAP12})]


def check_rules(root: etree._Element) -> None:
    """What CAP 1.2 (section 3) requires beyond the schema."""
    references = _text(root, "c:references")
    if references:
        items = references[0].split()
        if not items:
            raise CapError(
                _("references 요소가 비어 있습니다: 이전 경보를 sender,identifier,sent 로 적어야 합니다.")
            )
        for item in items:
            parts = item.split(",")
            if len(parts) != 3 or not all(parts) or parse_time(parts[2]) is None:
                raise CapError(
                    _("references 항목 %(item)s 이(가) sender,identifier,sent 형식이 아닙니다.")
                    % {"item": item}
                )
    scope = (_text(root, "c:scope") or [""])[0]
    if scope == "Restricted" and not any(_text(root, "c:restriction")):
        raise CapError(_("scope가 Restricted이면 restriction이 있어야 합니다."))
    if scope == "Private" and not any(_text(root, "c:addresses")):
        raise CapError(_("scope가 Private이면 addresses가 있어야 합니다."))
    # An empty polygon or circle (the US NWS sends them) says nothing; anything else must be well formed.
    for polygon in _text(root, "c:info/c:area/c:polygon"):
        if polygon and parse_polygon(polygon) is None:
            raise CapError(
                _("polygon %(value)s 이(가) 닫힌 좌표 목록(4쌍 이상)이 아닙니다.") % {"value": polygon[:80]}
            )
    for circle in _text(root, "c:info/c:area/c:circle"):
        if circle and parse_circle(circle) is None:
            raise CapError(
                _("circle %(value)s 이(가) '위도,경도 반경(km)' 형식이 아닙니다.") % {"value": circle[:80]}
            )


def parse_time(value: str) -> datetime | None:
    """A CAP dateTime (always with its offset; "-00:00" means UTC)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _point(pair: str) -> tuple[float, float] | None:
    try:
        lat_s, lon_s = pair.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def parse_polygon(value: str) -> list[tuple[float, float]] | None:
    points = [_point(pair) for pair in value.split()]
    if len(points) < 4 or any(p is None for p in points) or points[0] != points[-1]:
        return None
    return [p for p in points if p is not None]


def parse_circle(value: str) -> tuple[float, float, float] | None:
    """CAP circle: "lat,lon radius" with the radius in kilometres."""
    try:
        centre, radius_s = value.split()
        radius = float(radius_s)
    except ValueError:
        return None
    point = _point(centre)
    if point is None or radius < 0:
        return None
    return point[0], point[1], radius
