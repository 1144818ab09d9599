"""The nearest-shelter API's request and answer, shared by the Django view (views/api.py) and the fast
path (fastpath.py) so that both give the same bytes: the query's parameters and their errors in the
resident's language, the JSON of an answer, and the HTTP headers of both endpoints."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from sotong.safety.choices import SHELTER_HAZARDS
from sotong.safety.nearest.document import dumps
from sotong.safety.nearest.geometry import compass
from sotong.safety.nearest.ranking import DEFAULT_LIMIT, MAX_LIMIT, Nearby, rank
from sotong.safety.nearest.records import LANGS, FacilityIndex, language_code

DEFAULT_DIRECTIONS_URL = (
    "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
    "&route={from_lat}%2C{from_lon}%3B{lat}%2C{lon}"
)


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
    lat = _coordinate(params, "lat", 90.0)
    lon = _coordinate(params, "lon", 180.0)
    hazard = (params.get("hazard") or "").strip()
    if hazard not in SHELTER_HAZARDS:
        choices = ", ".join(str(h) for h in SHELTER_HAZARDS)
        raise ParamError("hazard", _("hazard는 다음 중 하나여야 합니다: %(choices)s") % {"choices": choices})
    raw_limit = (params.get("limit") or "").strip()
    if not raw_limit:
        limit = DEFAULT_LIMIT
    else:
        try:
            limit = int(raw_limit)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise ParamError("limit", _("limit는 1에서 %(max)d 사이의 정수여야 합니다.") % {"max": MAX_LIMIT})
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
    point = compass(n.bearing_deg)
    return {
        **r.heads[lang],
        "distance_m": n.distance_m,
        "bearing": point,
        "bearing_deg": n.bearing_deg,
        "direction": index.compass_words[lang][point],
        **r.tail,
        "open_now": n.open_now,
        "directions_url": index.directions_template.format(
            from_lat=origin[0], from_lon=origin[1], lat=r.lat_text, lon=r.lon_text
        ),
    }


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
