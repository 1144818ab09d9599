"""What the nearest-shelter answers need of each facility, computed once per index: names in every
language, coordinates, the hazards it suits (after the setting rules), and the unchanging parts of an
answer's item; and the index those records make up (built and kept by `nearest.index`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

import numpy as np
from django.db.models import Choices
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import override

from sotong.safety.choices import Setting
from sotong.safety.models import Facility

LANGS = ("ko", "en", "zh-hans")
T = TypeVar("T")


def language_code(value: str | None) -> str:
    """One of LANGS for a language code (Korean for anything else)."""
    lang = (value or "ko").lower()
    if lang.startswith("en"):
        return "en"
    if lang.startswith("zh"):
        return "zh-hans"
    return "ko"


def label_of(choice: Choices) -> str:
    return str(choice.label)


def in_each_language(make: Callable[[], T]) -> dict[str, T]:
    out = {}
    for lang in LANGS:
        with override(lang):
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


@dataclass
class HazardTable:
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
    tables: dict[str, HazardTable]
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


def record_of(f: Facility, kind_labels: dict[str, dict[str, str]]) -> FacilityRecord:
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
