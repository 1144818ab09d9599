"""Reading Open311 parameters: language, jurisdiction, W3C dates, comma lists."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_supported_language_variant

from sotong.core.workdays import SEOUL
from sotong.voice.open311.errors import Open311Error

# "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest."
MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
MAX_LIST_ITEMS = 200
CASE_NUMBER = re.compile(r"[0-9]{4}-[0-9]{6}")
SERVICE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,40}")
W3C_EXAMPLE = "2026-01-31T09:00:00+09:00"


def requested_language(request: HttpRequest) -> str:
    """The ``locale`` parameter (en, en_US, zh-CN…), else Accept-Language, else Korean.

    The path is not language-prefixed, so Django's LocaleMiddleware always picks Korean here.
    """
    candidates = [request.GET.get("locale", "")]
    candidates += _accept_language(request.headers.get("Accept-Language", ""))
    for candidate in candidates:
        code = candidate.strip().replace("_", "-").lower()
        if not code or code == "*" or len(code) > 35:
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return str(settings.LANGUAGE_CODE)


def _accept_language(header: str) -> list[str]:
    weighted = []
    for position, part in enumerate(header[:500].split(",")):
        tag, _sep, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _q, _p, tag in sorted(weighted)]


def jurisdictions() -> set[str]:
    """The ids this endpoint answers to: the district's code and the site's host name."""
    from sotong.organisation.selectors import current_district

    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    accepted = {host, host.removeprefix("www.")} - {""}
    district = current_district()
    if district is not None:
        accepted.add(district.code)
    return accepted


def check_jurisdiction(params: Mapping[str, str]) -> None:
    """jurisdiction_id is optional (one jurisdiction); when given it must be ours."""
    value = (params.get("jurisdiction_id") or "").strip().lower()
    if value and value not in jurisdictions():
        raise Open311Error(404, f"jurisdiction_id {value[:60]!r} was not found.")


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


def w3c_datetime(value: str, name: str) -> datetime:
    """A W3C datetime (2026-01-31T09:00:00+09:00, …Z, or a date); without an offset it is Seoul time."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C datetime such as {W3C_EXAMPLE}.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SEOUL)
    if not 2000 <= parsed.year <= 2100:
        raise Open311Error(400, f"{name} must be between the years 2000 and 2100.")
    return parsed


def period(params: Mapping[str, str]) -> Period:
    """start_date/end_date, spanning at most 90 days; the most recent 90 days when neither is given."""
    start_text = (params.get("start_date") or "").strip()
    end_text = (params.get("end_date") or "").strip()
    start = w3c_datetime(start_text, "start_date") if start_text else None
    end = w3c_datetime(end_text, "end_date") if end_text else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if start > end:
        raise Open311Error(400, "start_date must not be after end_date.")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days.")
    return Period(start, end)


def comma_list(value: str | None) -> list[str]:
    items = [item.strip() for item in (value or "").split(",")]
    return [item for item in items if item][:MAX_LIST_ITEMS]


def statuses(value: str | None) -> set[str]:
    wanted = {item.lower() for item in comma_list(value)}
    unknown = wanted - {"open", "closed"}
    if unknown:
        raise Open311Error(400, "status must be open, closed or both (comma separated).")
    return wanted
