"""LOCALDATA 민방위대피시설 CSV (지방행정인허가데이터개방, also 공공데이터포털 15044951).

Columns as published: 번호, 개방서비스명, 개방서비스아이디, 개방자치단체코드, 관리번호, 인허가일자, …,
영업상태구분코드, 영업상태명, 상세영업상태코드, 상세영업상태명, 폐업일자, …, 소재지전화, 소재지면적,
소재지우편번호, 소재지전체주소, 도로명전체주소, 도로명우편번호, 사업장명, 최종수정시점, 데이터갱신구분,
데이터갱신일자, 업태구분명, 좌표정보(x), 좌표정보(y), 비상시설위치, 시설구분명, 시설명건물명, 해제일자.
Newer files add 시설면적/최대수용인원. CP949 as downloaded; UTF-8 with a BOM is accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from sotong.safety.importers.common import (
    Columns,
    FacilityRecord,
    Parsed,
    RowError,
    check_in_korea,
    csv_rows,
    decode,
    fallback_id,
    optional_float,
    optional_int,
    parse_date,
    parse_float,
    parse_rows,
    require_name,
)
from sotong.safety.importers.tm import tm_to_wgs84

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("관리번호", "MGTNO"),
    "authority": ("개방자치단체코드", "OPNSFTEAMCODE"),
    "status": ("영업상태명", "TRDSTATENM"),
    "status_detail": ("상세영업상태명", "DTLSTATENM"),
    "status_code": ("영업상태구분코드", "TRDSTATEGBN"),
    "name": ("사업장명", "시설명건물명", "시설명", "BPLCNM"),
    "building": ("시설명건물명", "시설명"),
    "road_address": ("도로명전체주소", "도로명주소", "RDNWHLADDR"),
    "address": ("소재지전체주소", "지번주소", "SITEWHLADDR"),
    "x": ("좌표정보(x)", "좌표정보x", "X"),
    "y": ("좌표정보(y)", "좌표정보y", "Y"),
    "type": ("시설구분명", "시설구분"),
    "location": ("비상시설위치", "시설위치"),
    "area": ("시설면적", "면적", "소재지면적", "SITEAREA"),
    "capacity": ("최대수용인원", "수용인원", "대피가능인원"),
    "phone": ("소재지전화", "전화번호", "SITETEL"),
    "updated": ("데이터갱신일자", "최종수정시점", "UPDATEDT", "LASTMODTS"),
}

# Statuses meaning the place no longer serves as a shelter (LOCALDATA uses 영업/정상·폐업 on older
# files and 사용중·사용중지·일시중지 on the civil-defence file).
CLOSED_WORDS = ("폐업", "사용중지", "일시중지", "휴업", "취소", "말소", "폐쇄", "해제", "지정해제")
CLOSED_CODES = {"03", "3"}
# 민방위 업무지침: one person per 0.825 m² of shelter floor.
M2_PER_PERSON = 0.825


def parse(data: bytes) -> Parsed:
    header, rows = csv_rows(decode(data))
    columns = Columns(header, ALIASES)
    columns.require("name", "x", "y", aliases=ALIASES)
    return parse_rows(rows, lambda line, row: _record(line, row, columns))


def _closed(columns: Columns, row: Mapping[str, Any]) -> bool:
    status = columns.get(row, "status") + " " + columns.get(row, "status_detail")
    if any(word in status for word in CLOSED_WORDS):
        return True
    return columns.get(row, "status_code") in CLOSED_CODES


def _record(line: int, row: Mapping[str, Any], columns: Columns) -> FacilityRecord:
    name = require_name(columns.get(row, "name") or columns.get(row, "building"))
    address = columns.get(row, "road_address") or columns.get(row, "address")
    authority, number = columns.get(row, "authority"), columns.get(row, "id")
    if number:
        source_id = number if not authority or number.startswith(authority) else f"{authority}-{number}"
    else:
        source_id = fallback_id(name, address)
    closed = _closed(columns, row)
    x_text, y_text = columns.get(row, "x"), columns.get(row, "y")
    if not x_text or not y_text:
        if closed:
            return FacilityRecord(line=line, source_id=source_id, values={}, closed=True)
        raise RowError(_("좌표가 없습니다."))
    x, y = parse_float(x_text, what="좌표정보(x)"), parse_float(y_text, what="좌표정보(y)")
    if x <= 0 or y <= 0:
        # TM (0, 0) is 200 km west and 500 km south of the origin: in the sea off Jeju, yet inside a
        # Korea box. LOCALDATA writes 0 for "not surveyed".
        raise RowError(_("좌표가 0이거나 음수입니다: (%(x)s, %(y)s)") % {"x": x_text, "y": y_text})
    lat, lon = tm_to_wgs84(x, y)
    check_in_korea(lat, lon)
    kind_text = " ".join(columns.get(row, key) for key in ("type", "location", "building")) + " " + name
    location = columns.get(row, "location")
    area = optional_float(columns.get(row, "area"))
    capacity = optional_int(columns.get(row, "capacity"))
    if capacity is None and area:
        capacity = int(area / M2_PER_PERSON)
    values: dict[str, Any] = {
        "kind": "civil_defence",
        "name_ko": name,
        "address": address[:300],
        "lat": round(lat, 7),
        "lon": round(lon, 7),
        # Civil-defence shelters are mostly basements; the place says so, or the type does.
        "setting": "underground" if "지하" in kind_text else "indoor",
        "floor": location[:40],
        "capacity": capacity,
        "area_m2": area,
        "phone": columns.get(row, "phone")[:40],
        "checked_on": parse_date(columns.get(row, "updated")),
    }
    return FacilityRecord(line=line, source_id=source_id, values=values, closed=closed)
