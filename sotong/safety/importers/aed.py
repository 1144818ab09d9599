"""국립중앙의료원 자동심장충격기(AED) 정보 API (getEgytAedManageInfoInqire), XML or JSON as it
returns them: `response/header` (resultCode 00) and `response/body/items/item`, each with org,
buildAddress, buildPlace, wgs84Lat, wgs84Lon, clerkTel, manager, managerTel, model, serialSeq and
the hours monSttTme/monEndTme … sunSttTme/sunEndTme, holSttTme/holEndTme."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from sotong.safety.importers.common import (
    Columns,
    FacilityRecord,
    ImportFileError,
    Parsed,
    check_in_korea,
    decode,
    fallback_id,
    hhmm,
    json_rows,
    parse_float,
    parse_rows,
    require_name,
    setting_from,
)

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("serialSeq", "rnum"),
    "org": ("org",),
    "place": ("buildPlace",),
    "address": ("buildAddress",),
    "lat": ("wgs84Lat",),
    "lon": ("wgs84Lon",),
    "phone": ("clerkTel", "managerTel"),
    **{
        f"{day}_{edge}": (f"{day}{edge.capitalize()}Tme",)
        for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "hol")
        for edge in ("stt", "end")
    },
}
MAX_BYTES = 50 * 1024 * 1024


def parse(data: bytes) -> Parsed:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("파일이 너무 큽니다."))
    text = decode(data).lstrip()
    if text[:1] in ("{", "["):
        header, rows = json_rows(text)
    else:
        header, rows = _xml_rows(data)
    columns = Columns(header, ALIASES)
    if rows:
        columns.require("org", "lat", "lon", aliases=ALIASES)
    return parse_rows(rows, lambda line, row: _record(line, row, columns))


def _xml_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    try:
        # defusedxml refuses DTDs, entities and external references outright.
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ImportFileError(_("XML을 읽을 수 없습니다: %(error)s") % {"error": exc}) from exc
    code = root.findtext("header/resultCode") or root.findtext(".//resultCode")
    if code and code.strip() not in ("00", "0000"):
        message = root.findtext(".//resultMsg") or ""
        raise ImportFileError(
            _("API가 오류를 돌려주었습니다: %(code)s %(message)s") % {"code": code, "message": message}
        )
    rows = []
    for index, item in enumerate(root.iter("item"), start=1):
        rows.append((index, {child.tag: (child.text or "") for child in item}))
    headers = sorted({key for _line, row in rows for key in row})
    return headers, rows


def _hours(columns: Columns, row: Mapping[str, Any]) -> tuple[list[dict[str, str]], bool]:
    spans: list[dict[str, str]] = []
    weekdays = []
    for day in ("mon", "tue", "wed", "thu", "fri"):
        weekdays.append((hhmm(columns.get(row, f"{day}_stt")), hhmm(columns.get(row, f"{day}_end"))))
    pairs = {
        "weekday": next((pair for pair in weekdays if pair[0] and pair[1]), (None, None)),
        "saturday": (hhmm(columns.get(row, "sat_stt")), hhmm(columns.get(row, "sat_end"))),
        "sunday": (hhmm(columns.get(row, "sun_stt")), hhmm(columns.get(row, "sun_end"))),
        "holiday": (hhmm(columns.get(row, "hol_stt")), hhmm(columns.get(row, "hol_end"))),
    }
    always = all(open_ == "00:00" and close == "24:00" for open_, close in pairs.values())
    for label, (open_, close) in pairs.items():
        if open_ and close and open_ != close:
            spans.append({"days": label, "open": open_, "close": "00:00" if close == "24:00" else close})
    return spans, always


def _record(line: int, row: Mapping[str, Any], columns: Columns) -> FacilityRecord:
    org = columns.get(row, "org")
    place = columns.get(row, "place")
    name = require_name(f"{org} {place}".strip() if place and place not in org else org)
    lat = parse_float(columns.get(row, "lat"), what="wgs84Lat")
    lon = parse_float(columns.get(row, "lon"), what="wgs84Lon")
    check_in_korea(lat, lon)
    hours, always = _hours(columns, row)
    values: dict[str, Any] = {
        "kind": "aed",
        "name_ko": name,
        "address": columns.get(row, "address")[:300],
        "lat": round(lat, 7),
        "lon": round(lon, 7),
        "setting": setting_from(place, default="indoor"),
        "floor": place[:40],
        "always_open": always,
        "opening_hours": [] if always else hours,
        "phone": columns.get(row, "phone")[:40],
    }
    source_id = columns.get(row, "id") or fallback_id(org, place, columns.get(row, "address"))
    return FacilityRecord(line=line, source_id=source_id, values=values)
