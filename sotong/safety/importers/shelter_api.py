"""행정안전부 대피소 API (재난안전데이터공유플랫폼 DSSP-IF-10941): JSON with `header`, `numOfRows`,
`pageNo`, `totalCount` and the items in `body` (older gateways: `response.body.items`). Each item:
MNG_SN, REARE_NM, RONA_DADDR, LAT, LOT, SHLT_SE_CD, SHLT_SE_NM."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from sotong.safety.importers.common import (
    Columns,
    FacilityRecord,
    ImportFileError,
    Parsed,
    RowError,
    check_in_korea,
    decode,
    fallback_id,
    json_rows,
    optional_int,
    parse_float,
    parse_rows,
    require_name,
    setting_from,
)

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("MNG_SN", "REARE_FCLT_NO"),
    "name": ("REARE_NM", "SHLT_NM"),
    "road_address": ("RONA_DADDR", "ROAD_NM_ADDR"),
    "address": ("DADDR", "LOTNO_ADDR"),
    "lat": ("LAT", "LA"),
    "lon": ("LOT", "LO"),
    "code": ("SHLT_SE_CD",),
    "type_name": ("SHLT_SE_NM",),
    "capacity": ("ACPT_PSN_NMPR", "UTZTN_PSBLTY_TNOP"),
}
# SHLT_SE_CD as the API documents it.
KIND_FOR_CODE = {
    "1": "cold_shelter",
    "2": "heat_shelter",
    "3": "earthquake_outdoor",
    "4": "tsunami_evacuation",
}


def parse(data: bytes) -> Parsed:
    text = decode(data)
    if text.lstrip()[:1] not in ("{", "["):
        raise ImportFileError(_("대피소 API 응답(JSON)이 아닙니다."))
    header, rows = json_rows(text)
    columns = Columns(header, ALIASES)
    if rows:
        columns.require("name", "lat", "lon", "code", aliases=ALIASES)
    return parse_rows(rows, lambda line, row: _record(line, row, columns))


def _record(line: int, row: Mapping[str, Any], columns: Columns) -> FacilityRecord:
    name = require_name(columns.get(row, "name"))
    code = columns.get(row, "code").lstrip("0") or "0"
    kind = KIND_FOR_CODE.get(code)
    if kind is None:
        raise RowError(_("알 수 없는 대피소 구분 코드입니다: %(code)s") % {"code": columns.get(row, "code")})
    lat = parse_float(columns.get(row, "lat"), what="LAT")
    lon = parse_float(columns.get(row, "lon"), what="LOT")
    check_in_korea(lat, lon)
    address = columns.get(row, "road_address") or columns.get(row, "address")
    outdoor_kinds = {"earthquake_outdoor", "tsunami_evacuation"}
    values: dict[str, Any] = {
        "kind": kind,
        "name_ko": name,
        "address": address[:300],
        "lat": round(lat, 7),
        "lon": round(lon, 7),
        "setting": "outdoor" if kind in outdoor_kinds else setting_from(name, default="indoor"),
        "capacity": optional_int(columns.get(row, "capacity")),
        "always_open": kind in outdoor_kinds,
    }
    source_id = columns.get(row, "id") or fallback_id(kind, name, address)
    return FacilityRecord(line=line, source_id=source_id, values=values)
