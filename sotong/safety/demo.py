"""The demo's safety data: action guides for every hazard, sample facilities near the real dongs (marked
as samples) and the map layers each department keeps."""

from __future__ import annotations

from typing import Any

from sotong.safety.demo_data import load_sample_facilities, load_sample_layers
from sotong.safety.guides_loading import load_guides
from sotong.safety.models import Facility, MapLayer

HINTS = [
    "Safety: {base}safety/  (guides {base}safety/guides/, map {base}safety/map/, alerts {base}safety/alerts/, "
    "CAP feed {base}cap/; the safety office signs in as 'safety', a second approver as 'safety2')",
]


def load_demo(*, stdout: Any) -> list[dict[str, str]]:
    load_guides(stdout=None)
    load_sample_facilities(stdout=None)
    load_sample_layers(stdout=None)
    facilities = Facility.objects.filter(is_sample=True).count()
    layers = MapLayer.objects.count()
    stdout.write(f"Safety: action guides, {facilities} sample facilities, {layers} map layers.")
    return [{"hint": hint} for hint in HINTS]
