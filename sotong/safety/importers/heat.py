"""무더위쉼터 and 한파쉼터: the standard data CSV (전국무더위쉼터표준데이터, 공공데이터포털 15013199)
and the 재난안전데이터공유플랫폼 JSON (무더위쉼터 DSSP-IF-10942: RSTR_NM, LA, LO, …; 한파쉼터
DSSP-IF-10804: REARE_NM, LAT, LOT, …). Both already carry WGS84 위도/경도."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sotong.safety.importers.common import (
    Columns,
    FacilityRecord,
    Parsed,
    check_in_korea,
    fallback_id,
    hhmm,
    optional_float,
    optional_int,
    parse_date,
    parse_float,
    parse_rows,
    require_name,
    span,
    table_rows,
    yes,
)

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("쉼터시설번호", "시설번호", "관리번호", "RSTR_FCLTY_NO", "REARE_FCLT_NO"),
    "name": ("쉼터명칭", "쉼터명", "시설명", "RSTR_NM", "REARE_NM"),
    "road_address": ("소재지도로명주소", "도로명주소", "RN_DTL_ADRES", "RONA_DADDR"),
    "address": ("소재지지번주소", "지번주소", "상세주소", "DTL_ADRES", "DADDR"),
    "lat": ("위도", "LA", "LAT"),
    "lon": ("경도", "LO", "LOT"),
    "capacity": ("이용가능인원", "수용가능인원", "USE_PSBL_NMPR", "UTZTN_PSBLTY_TNOP"),
    "area": ("시설면적", "면적", "AR"),
    "type": ("시설유형", "시설구분2", "시설구분1", "FCLTY_TY", "FCLT_TYPE"),
    "shelter_type": ("쉼터구분", "쉼터유형", "쉼터종류"),
    "night": ("야간개방여부", "야간개방", "야간운영여부", "CHCK_MATTER_NIGHT_OPN_AT"),
    "weekend": ("휴일개방여부", "주말운영여부", "주말개방여부", "CHCK_MATTER_WKEND_HDAY_OPN_AT"),
    "stay": ("숙박가능여부", "CHCK_MATTER_STAYNG_PSBL_AT"),
    "open": (
        "평일운영시작시각",
        "평일운영시작시간",
        "운영시작시각",
        "운영시작시간",
        "WKDAY_OPER_BEGIN_TIME",
        "WKDY_OPER_BGNG_HR",
    ),
    "close": (
        "평일운영종료시각",
        "평일운영종료시간",
        "운영종료시각",
        "운영종료시간",
        "WKDAY_OPER_END_TIME",
        "WKDY_OPER_END_HR",
    ),
    "sat_open": ("토요일운영시작시각", "STDY_OPER_BGNG_HR"),
    "sat_close": ("토요일운영종료시각", "STDY_OPER_END_HR"),
    "sun_open": ("일요일운영시작시각", "SNDY_OPER_BGNG_HR"),
    "sun_close": ("일요일운영종료시각", "SNDY_OPER_END_HR"),
    "holiday_open": ("공휴일운영시작시각", "LHLDY_OPER_BGNG_HR"),
    "holiday_close": ("공휴일운영종료시각", "LHLDY_OPER_END_HR"),
    "season_start": ("운영시작일", "운영기간시작일", "OPER_BEGIN_DE"),
    "season_end": ("운영종료일", "운영기간종료일", "OPER_END_DE"),
    "phone": ("관리기관전화번호", "전화번호", "연락처", "TELNO"),
    "note": ("비고", "RMRK"),
    "updated": ("데이터기준일자", "DATA_STDR_DE"),
}
# FCLTY_TY 002 (야외 쉼터·정자) and outdoor words mean an outdoor place.
OUTDOOR_TYPES = {"002", "야외", "옥외"}
OUTDOOR_WORDS = ("공원", "정자", "그늘막", "야외", "쉼터(옥외)")


def parse(data: bytes, *, kind: str = "heat_shelter") -> Parsed:
    header, rows = table_rows(data)
    columns = Columns(header, ALIASES)
    columns.require("name", "lat", "lon", aliases=ALIASES)
    return parse_rows(rows, lambda line, row: _record(line, row, columns, kind))


def _hours(columns: Columns, row: Mapping[str, Any]) -> tuple[list[dict[str, str]], bool]:
    weekday = span("weekday", hhmm(columns.get(row, "open")), hhmm(columns.get(row, "close")))
    spans = [weekday] if weekday else []
    always = bool(weekday and weekday["open"] == "00:00" and weekday["close"] == "00:00")
    for label, prefix in (("saturday", "sat"), ("sunday", "sun"), ("holiday", "holiday")):
        own = span(label, hhmm(columns.get(row, f"{prefix}_open")), hhmm(columns.get(row, f"{prefix}_close")))
        if own:
            spans.append(own)
        elif weekday and yes(columns.get(row, "weekend")):
            # "주말·휴일 개방: Y" without its own hours: open as on weekdays.
            spans.append({**weekday, "days": label})
    return [s for s in spans if s], always


def _record(line: int, row: Mapping[str, Any], columns: Columns, kind: str) -> FacilityRecord:
    name = require_name(columns.get(row, "name"))
    address = columns.get(row, "road_address") or columns.get(row, "address")
    lat = parse_float(columns.get(row, "lat"), what="위도")
    lon = parse_float(columns.get(row, "lon"), what="경도")
    check_in_korea(lat, lon)
    if "한파" in columns.get(row, "shelter_type"):
        kind = "cold_shelter"
    type_text = columns.get(row, "type")
    outdoor = type_text in OUTDOOR_TYPES or any(word in name for word in OUTDOOR_WORDS)
    hours, always = _hours(columns, row)
    notes = []
    if yes(columns.get(row, "night")):
        notes.append("야간 개방")
    if yes(columns.get(row, "weekend")):
        notes.append("주말·휴일 개방")
    if yes(columns.get(row, "stay")):
        notes.append("숙박 가능")
    start, end = parse_date(columns.get(row, "season_start")), parse_date(columns.get(row, "season_end"))
    if start and end:
        notes.append(f"{start:%m.%d}~{end:%m.%d} 운영")
    values: dict[str, Any] = {
        "kind": kind,
        "name_ko": name,
        "address": address[:300],
        "lat": round(lat, 7),
        "lon": round(lon, 7),
        "setting": "outdoor" if outdoor else "indoor",
        "capacity": optional_int(columns.get(row, "capacity")),
        "area_m2": optional_float(columns.get(row, "area")),
        "always_open": always or outdoor,
        "opening_hours": [] if always else hours,
        "hours_note": ", ".join(notes)[:200],
        "phone": columns.get(row, "phone")[:40],
        "note": columns.get(row, "note")[:300],
        "checked_on": parse_date(columns.get(row, "updated")),
    }
    source_id = columns.get(row, "id") or fallback_id(name, address)
    return FacilityRecord(line=line, source_id=source_id, values=values)
