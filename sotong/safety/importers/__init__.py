"""Importers for the public-data formats facilities come in; one module per format.

Each `parse(data: bytes) -> Parsed` reads a whole file and writes nothing.
`sotong.safety.services.facilities.facilities_import` applies what was parsed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sotong.safety.importers import aed, geojson, heat, localdata, shelter_api
from sotong.safety.importers.common import Parsed

# Format name → (parser, default source name). The source name with the row's own number is
# what makes a re-import update in place.
FORMATS: dict[str, tuple[Callable[[bytes], Parsed], str]] = {
    "localdata": (localdata.parse, "localdata"),
    "heat": (heat.parse, "heat-shelter"),
    "cold": (partial(heat.parse, kind="cold_shelter"), "cold-shelter"),
    "shelter-api": (shelter_api.parse, "mois-shelter"),
    "aed": (aed.parse, "nmc-aed"),
    "geojson": (geojson.parse, "geojson"),
}
