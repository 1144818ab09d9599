"""The facilities held in memory, ranked per hazard, and the one builder of the public JSON.

Both the Django view and the raw ASGI fast path (`fastpath.py`) answer from the same
`FacilityIndex` and serialise with the same functions, so the bytes are identical.

Freshness: the index is rebuilt when the data version changes. `data_version()` is one aggregate
query (count, highest id, latest `updated_at` of active facilities) checked at most once a second
per process, which also sees writes made by another process (an import, a second `serve`). A save or
delete in this process (`post_save`/`post_delete` receivers at the end of this module) makes the next call rebuild at
once. Between checks a request touches no database.

facilities.json (format 1), for the PWA's on-device ranking; keep this stable:

    {"format": 1, "data_version": "<hex>", "last_modified": "<ISO 8601, +09:00>",
     "data_checked_on": "<YYYY-MM-DD of the oldest check>" | null, "timezone": "Asia/Seoul",
     "holidays": ["YYYY-MM-DD", ...],            # public holidays this year and next
     "kinds": {"<kind>": {"ko": .., "en": .., "zh-hans": ..}},
     "hazards": {"<hazard>": {"ko": .., "en": .., "zh-hans": ..}},
     "facilities": [{"id", "kind", "name": {"ko", "en", "zh-hans"} (Korean where untranslated),
        "lat", "lon" (6 dp), "setting" (indoor|underground|outdoor), "hazards": [hazard, ...] (after the
        setting rules), "capacity": int | null, "always_open": bool,
        "opening_hours": [{"days": weekday|saturday|sunday|holiday, "open": "HH:MM", "close": "HH:MM"}],
        "hours_note", "step_free": bool | null, "has_lift": bool | null, "address", "phone",
        "checked_on": "YYYY-MM-DD" | null, "is_sample": bool}, ...]}

Open now (as `Facility.is_open_at`): always open, or no hours published, or a span of today's label
(holiday before weekday/saturday/sunday) covering the time, or yesterday's span running past midnight.
Ranking (as `rank_key`): for an earthquake open-air sites before housing; then 500 m distance bands;
within a band facilities with a known capacity first; then distance.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone, translation
from django.utils.http import http_date
from django.utils.translation import gettext as _

from sotong.core.geo import EARTH_RADIUS_M, distance_m
from sotong.core.workdays import public_holiday_name
from sotong.safety.choices import SHELTER_HAZARDS, FacilityKind, Hazard, Setting
from sotong.safety.models import Facility

logger = logging.getLogger(__name__)

LANGS = ("ko", "en", "zh-hans")
DEFAULT_LIMIT = 5
MAX_LIMIT = 20
BAND_M = 500.0
# One sort key per facility: tier (earthquake: open-air first), then the 500 m band, then a known
# capacity, then the distance (metres, < 1e7).
TIER_WEIGHT = 1e13
BAND_WEIGHT = 1e8
CAPACITY_WEIGHT = 1e7
M_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180
CHECK_EVERY_S = 1.0
DEFAULT_DIRECTIONS_URL = (
    "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
    "&route={from_lat}%2C{from_lon}%3B{lat}%2C{lon}"
)
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def _compass_words() -> dict[str, str]:
    return {
        "N": _("북쪽"),
        "NE": _("북동쪽"),
        "E": _("동쪽"),
        "SE": _("남동쪽"),
        "S": _("남쪽"),
        "SW": _("남서쪽"),
        "W": _("서쪽"),
        "NW": _("북서쪽"),
    }


def _in_each_language(make: Any) -> dict[str, Any]:
    out = {}
    for lang in LANGS:
        with translation.override(lang):
            out[lang] = make()
    return out


@dataclass(frozen=True, slots=True)
class FacilityRecord:
    """What the answers need of one facility, computed once per index."""

    facility: Facility
    id: int
    kind: str
    names: dict[str, str]
    lat: float
    lon: float
    setting: str
    capacity: int | None
    hazards: tuple[str, ...]
    checked_on: date | None
    # The unchanging parts of an answer's item, per language, and the coordinates as text.
    heads: dict[str, dict[str, Any]]
    tail: dict[str, Any]
    lat_text: str
    lon_text: str


@dataclass(frozen=True, slots=True)
class Nearby:
    """One answer of `nearest_shelters`: the facility, how far and which way from the resident."""

    record: FacilityRecord
    distance_m: int
    bearing_deg: int
    open_now: bool

    @property
    def facility(self) -> Facility:
        return self.record.facility

    @property
    def name(self) -> str:
        return self.record.names[language_code(translation.get_language())]

    @property
    def compass(self) -> str:
        return COMPASS[round(self.bearing_deg / 45) % 8]


@dataclass
class _HazardTable:
    records: list[FacilityRecord]
    lat: np.ndarray  # degrees
    lon: np.ndarray
    # tier * TIER_WEIGHT + (no known capacity) * CAPACITY_WEIGHT; the band and the distance are added per request.
    static_key: np.ndarray


@dataclass
class FacilityIndex:
    version: str
    generation: int
    records: list[FacilityRecord]
    tables: dict[str, _HazardTable]
    kind_labels: dict[str, dict[str, str]]
    compass_words: dict[str, dict[str, str]]
    directions_template: str
    last_modified: datetime | None
    facilities_json: bytes
    etag: str
    facilities_gzip: bytes
    _open: dict[int, dict[int, bool]] = field(default_factory=dict)

    def open_flags(self, at: datetime) -> dict[int, bool]:
        """Facility id → open at this minute; cached per minute (a few minutes kept)."""
        minute = int(at.timestamp() // 60)
        flags = self._open.get(minute)
        if flags is None:
            moment = datetime.fromtimestamp(minute * 60, tz=at.tzinfo or timezone.get_current_timezone())
            flags = {r.id: r.facility.is_open_at(moment) for r in self.records}
            if len(self._open) > 4:
                self._open.clear()
            self._open[minute] = flags
        return flags

    @property
    def http_last_modified(self) -> str | None:
        return http_date(self.last_modified.timestamp()) if self.last_modified else None


def language_code(value: str | None) -> str:
    lang = (value or "ko").lower()
    if lang.startswith("en"):
        return "en"
    if lang.startswith("zh"):
        return "zh-hans"
    return "ko"


def pick_language(param: str | None, accept_language: str | None) -> str:
    """The `lang` parameter, else the first supported language of Accept-Language, else Korean.
    (The API ignores the language cookie so that a cached answer depends on the URL and header only.)"""
    if param:
        lowered = param.strip().lower()
        if lowered in LANGS or lowered in {"zh", "zh-cn", "zh_hans"}:
            return language_code(lowered)
    if accept_language:
        from django.utils.translation.trans_real import parse_accept_lang_header

        for code, _q in parse_accept_lang_header(accept_language[:200]):
            code = code.lower()
            if code == "*":
                break
            if code.startswith(("ko", "en")) or code in {"zh", "zh-cn", "zh-hans", "zh-sg"}:
                return language_code(code)
    return "ko"


# --- the data version and the index ---------------------------------------------------------

_lock = threading.Lock()
_index: FacilityIndex | None = None
_checked_at = 0.0
_generation = 0


def data_version() -> str:
    row = Facility.objects.filter(is_active=True).aggregate(
        n=Count("pk"), top=Max("pk"), changed=Max("updated_at"), low=Min("pk")
    )
    raw = f"{row['n']}:{row['low']}:{row['top']}:{row['changed'].isoformat() if row['changed'] else ''}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def invalidate(**_kwargs: Any) -> None:
    """A facility changed in this process: rebuild on the next call (signal receiver)."""
    global _generation
    _generation += 1


def fresh_index(max_age: float = CHECK_EVERY_S) -> FacilityIndex | None:
    """The index if it was checked within ``max_age`` seconds, without touching the database."""
    index = _index
    if index is not None and index.generation == _generation and time.monotonic() - _checked_at < max_age:
        return index
    return None


def last_index() -> FacilityIndex | None:
    return _index


def current_index(max_age: float = CHECK_EVERY_S) -> FacilityIndex:
    """The index, checked against the data version at most every ``max_age`` seconds (one query),
    rebuilt when the version changed."""
    global _index, _checked_at
    index = fresh_index(max_age)
    if index is not None:
        return index
    with _lock:
        generation = _generation
        index = _index
        try:
            with transaction.atomic():  # a failed query must not break the caller's transaction
                version = data_version()
        except DatabaseError:
            if index is None:
                raise
            # The database is unreachable: residents still get the last known shelters.
            logger.warning("safety: facility data version check failed; answering from the last index")
            _checked_at = time.monotonic()
            return index
        if index is None or index.version != version or index.generation != generation:
            index = build_index(version=version, generation=generation)
            _index = index
        _checked_at = time.monotonic()
        return index


def build_index(*, version: str, generation: int) -> FacilityIndex:
    facilities = list(Facility.objects.filter(is_active=True).order_by("pk"))
    kind_labels = {str(k): _in_each_language(lambda k=k: str(k.label)) for k in FacilityKind}
    records = [_record(f, kind_labels) for f in facilities]
    tables: dict[str, _HazardTable] = {}
    for hazard in SHELTER_HAZARDS:
        chosen = [r for r in records if hazard in r.hazards]
        tier = [
            0 if hazard != Hazard.EARTHQUAKE or r.kind == FacilityKind.EARTHQUAKE_OUTDOOR else 1
            for r in chosen
        ]
        no_capacity = [0 if r.capacity else 1 for r in chosen]
        tables[str(hazard)] = _HazardTable(
            records=chosen,
            lat=np.array([r.lat for r in chosen], dtype=float),
            lon=np.array([r.lon for r in chosen], dtype=float),
            static_key=np.array(tier, dtype=float) * TIER_WEIGHT
            + np.array(no_capacity, dtype=float) * CAPACITY_WEIGHT,
        )
    compass_words = _in_each_language(_compass_words)
    last_modified = max((f.updated_at for f in facilities), default=None)
    body = _facilities_document(
        facilities, records, version=version, last_modified=last_modified, kind_labels=kind_labels
    )
    return FacilityIndex(
        version=version,
        generation=generation,
        records=records,
        tables=tables,
        kind_labels=kind_labels,
        compass_words=compass_words,
        directions_template=getattr(settings, "SAFETY_DIRECTIONS_URL", "") or DEFAULT_DIRECTIONS_URL,
        last_modified=last_modified,
        facilities_json=body,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        facilities_gzip=gzip.compress(body, compresslevel=9, mtime=0),
    )


def _record(f: Facility, kind_labels: dict[str, dict[str, str]]) -> FacilityRecord:
    names = {"ko": f.name_ko, "en": f.name_en or f.name_ko, "zh-hans": f.name_zh or f.name_ko}
    lat, lon = round(f.lat, 6), round(f.lon, 6)
    labels = kind_labels.get(f.kind) or dict.fromkeys(LANGS, f.kind)
    heads = {
        lang: {
            "id": f.pk,
            "name": names[lang],
            "kind": f.kind,
            "kind_label": labels[lang],
            "lat": lat,
            "lon": lon,
        }
        for lang in LANGS
    }
    tail = {
        "underground": f.setting == Setting.UNDERGROUND,
        "setting": f.setting,
        "capacity": f.capacity or None,
        "always_open": f.always_open,
        "hours_note": f.hours_note,
        "step_free": f.step_free,
        "has_lift": f.has_lift,
        "address": f.address,
        "phone": f.phone,
        "checked_on": f.checked_on.isoformat() if f.checked_on else None,
        "is_sample": f.is_sample,
    }
    return FacilityRecord(
        facility=f,
        id=f.pk,
        kind=f.kind,
        names=names,
        lat=lat,
        lon=lon,
        setting=f.setting,
        capacity=f.capacity or None,
        hazards=tuple(str(h) for h in f.hazards()),
        checked_on=f.checked_on,
        heads=heads,
        tail=tail,
        lat_text=f"{lat:.6f}",
        lon_text=f"{lon:.6f}",
    )


def _holidays(year: int) -> list[str]:
    day, out = date(year, 1, 1), []
    while day.year == year:
        if public_holiday_name(day) is not None:
            out.append(day.isoformat())
        day += timedelta(days=1)
    return out


def _facilities_document(
    facilities: list[Facility],
    records: list[FacilityRecord],
    *,
    version: str,
    last_modified: datetime | None,
    kind_labels: dict[str, dict[str, str]],
) -> bytes:
    year = timezone.localdate().year
    checked = [r.checked_on for r in records if r.checked_on]
    document = {
        "format": 1,
        "data_version": version,
        "last_modified": timezone.localtime(last_modified).isoformat() if last_modified else None,
        "data_checked_on": min(checked).isoformat() if checked else None,
        "timezone": settings.TIME_ZONE,
        "holidays": _holidays(year) + _holidays(year + 1),
        "kinds": kind_labels,
        "hazards": {str(h): _in_each_language(lambda h=h: str(h.label)) for h in SHELTER_HAZARDS},
        "facilities": [
            {
                "id": r.id,
                "kind": r.kind,
                "name": r.names,
                "lat": r.lat,
                "lon": r.lon,
                "setting": r.setting,
                "hazards": list(r.hazards),
                "capacity": r.capacity,
                "always_open": f.always_open,
                "opening_hours": [
                    {"days": s.get("days"), "open": s.get("open"), "close": s.get("close")}
                    for s in (f.opening_hours or [])
                ],
                "hours_note": f.hours_note,
                "step_free": f.step_free,
                "has_lift": f.has_lift,
                "address": f.address,
                "phone": f.phone,
                "checked_on": r.checked_on.isoformat() if r.checked_on else None,
                "is_sample": f.is_sample,
            }
            for f, r in zip(facilities, records, strict=True)
        ],
    }
    return dumps(document)


def dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


# --- ranking --------------------------------------------------------------------------------


def rank(
    index: FacilityIndex,
    *,
    lat: float,
    lon: float,
    hazard: str,
    limit: int,
    at: datetime,
    open_only: bool = True,
) -> list[Nearby]:
    table = index.tables.get(hazard)
    if table is None or not table.records:
        return []
    # Equirectangular distance to order (within a district it differs from the great circle by
    # millimetres); the distance reported is the haversine one.
    dy = table.lat - lat
    dx = (table.lon - lon) * math.cos(math.radians(lat))
    dist = np.sqrt(dx * dx + dy * dy) * M_PER_DEGREE
    order = np.argsort(table.static_key + np.floor(dist / BAND_M) * BAND_WEIGHT + dist, kind="stable")
    flags = index.open_flags(at)
    found: list[Nearby] = []
    for i in order.tolist():
        record = table.records[i]
        is_open = flags[record.id]
        if open_only and not is_open:
            continue
        found.append(
            Nearby(
                record=record,
                distance_m=round(distance_m(lat, lon, record.lat, record.lon)),
                bearing_deg=_bearing(lat, lon, record.lat, record.lon),
                open_now=is_open,
            )
        )
        if len(found) >= limit:
            break
    return found


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return round(math.degrees(math.atan2(y, x))) % 360


# --- request parameters and the payload -----------------------------------------------------


@dataclass(frozen=True)
class NearestQuery:
    lat: float
    lon: float
    hazard: str
    limit: int
    open_only: bool
    lang: str


class ParamError(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def parse_nearest(params: Mapping[str, str], lang: str) -> NearestQuery:
    """Validate the query string (last value of each name); raises ParamError with a message in
    ``lang``."""
    try:
        return _parse(params, lang)
    except ParamError:
        # Switching language costs more than the rest of an answer: only for the error message.
        with translation.override(lang):
            return _parse(params, lang)


def _parse(params: Mapping[str, str], lang: str) -> NearestQuery:
    if True:
        lat = _coordinate(params, "lat", 90.0)
        lon = _coordinate(params, "lon", 180.0)
        hazard = (params.get("hazard") or "").strip()
        if hazard not in SHELTER_HAZARDS:
            choices = ", ".join(str(h) for h in SHELTER_HAZARDS)
            raise ParamError(
                "hazard", _("hazard는 다음 중 하나여야 합니다: %(choices)s") % {"choices": choices}
            )
        raw_limit = (params.get("limit") or "").strip()
        if not raw_limit:
            limit = DEFAULT_LIMIT
        else:
            try:
                limit = int(raw_limit)
            except ValueError:
                limit = 0
            if not 1 <= limit <= MAX_LIMIT:
                raise ParamError(
                    "limit", _("limit는 1에서 %(max)d 사이의 정수여야 합니다.") % {"max": MAX_LIMIT}
                )
        open_value = (params.get("open") or "now").strip()
        if open_value not in {"now", "any"}:
            raise ParamError("open", _("open은 now 또는 any여야 합니다."))
    return NearestQuery(
        lat=lat, lon=lon, hazard=hazard, limit=limit, open_only=open_value == "now", lang=lang
    )


def _coordinate(params: Mapping[str, str], name: str, bound: float) -> float:
    raw = (params.get(name) or "").strip()
    if not raw:
        raise ParamError(name, _("%(name)s 값이 필요합니다.") % {"name": name})
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise ParamError(
            name,
            _("%(name)s는 -%(bound)d에서 %(bound)d 사이의 숫자여야 합니다.") % {"name": name, "bound": bound},
        )
    return value


def error_payload(error: ParamError) -> bytes:
    return dumps({"error": {"parameter": error.parameter, "message": error.message}})


def nearest_payload(index: FacilityIndex, query: NearestQuery, *, at: datetime) -> dict[str, Any]:
    found = rank(
        index,
        lat=query.lat,
        lon=query.lon,
        hazard=query.hazard,
        limit=query.limit,
        at=at,
        open_only=query.open_only,
    )
    lang = query.lang
    origin = (f"{query.lat:.6f}", f"{query.lon:.6f}")
    checked = [n.record.checked_on for n in found if n.record.checked_on]
    return {
        "hazard": query.hazard,
        "lang": lang,
        "items": [_item(index, n, query, lang, origin) for n in found],
        "data_checked_on": min(checked).isoformat() if checked else None,
        "data_version": index.version,
    }


def _item(
    index: FacilityIndex, n: Nearby, query: NearestQuery, lang: str, origin: tuple[str, str]
) -> dict[str, Any]:
    r = n.record
    compass = COMPASS[round(n.bearing_deg / 45) % 8]
    return {
        **r.heads[lang],
        "distance_m": n.distance_m,
        "bearing": compass,
        "bearing_deg": n.bearing_deg,
        "direction": index.compass_words[lang][compass],
        **r.tail,
        "open_now": n.open_now,
        "directions_url": index.directions_template.format(
            from_lat=origin[0], from_lon=origin[1], lat=r.lat_text, lon=r.lon_text
        ),
    }


# --- HTTP details shared by the view and the fast path ---------------------------------------

NEAREST_CACHE_CONTROL = "public, max-age=30"
FACILITIES_CACHE_CONTROL = "public, max-age=300, must-revalidate"


def facilities_response(
    index: FacilityIndex, *, if_none_match: str | None, accept_encoding: str | None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of facilities.json: gzip when the client takes it (a strong ETag per
    representation), 304 when the client has this version."""
    zipped = accepts_gzip(accept_encoding)
    etag = index.etag[:-1] + '-gz"' if zipped else index.etag
    headers = [
        *api_headers(vary="Accept-Encoding, Accept-Language"),
        ("Cache-Control", FACILITIES_CACHE_CONTROL),
        ("ETag", etag),
    ]
    if index.http_last_modified:
        headers.append(("Last-Modified", index.http_last_modified))
    if etag_matches(if_none_match, index.etag) or etag_matches(if_none_match, index.etag[:-1] + '-gz"'):
        return 304, headers, b""
    if zipped:
        return 200, [*headers, ("Content-Encoding", "gzip")], index.facilities_gzip
    return 200, headers, index.facilities_json


def accepts_gzip(accept_encoding: str | None) -> bool:
    for part in (accept_encoding or "").lower().split(","):
        coding, _sep, params = part.strip().partition(";")
        if coding.strip() == "gzip":
            return params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}
    return False


def api_headers(*, lang: str | None = None, vary: str = "Accept-Language") -> list[tuple[str, str]]:
    headers = [
        ("Content-Type", "application/json"),
        ("Access-Control-Allow-Origin", "*"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    # facilities.json carries every language; Django's LocaleMiddleware adds the Vary either way.
    headers += [("Content-Language", lang or "ko, en, zh-hans"), ("Vary", vary)]
    return headers


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 asks for If-None-Match (a proxy may have weakened the tag).
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return etag in tags


def _connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(invalidate, sender=Facility, dispatch_uid="safety.nearest.saved")
    post_delete.connect(invalidate, sender=Facility, dispatch_uid="safety.nearest.deleted")


_connect_signals()
