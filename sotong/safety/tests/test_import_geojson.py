from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sotong.safety.importers.geojson import feature_collection
from sotong.safety.models import Facility
from sotong.safety.services.facilities import facilities_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_geojson_points_import_with_our_properties(district: Any) -> None:
    report = facilities_import(data=(FIXTURES / "facilities.geojson").read_bytes(), fmt="geojson")

    assert report.created == 2
    gym = Facility.objects.get(source_id="ydp-housing-001")
    assert gym.kind == "temporary_housing"
    assert (gym.lat, gym.lon) == (37.53, 126.9)
    assert gym.step_free is True and gym.has_lift is False
    assert gym.extra_hazards == ["fire"]
    assert report.problems[0].line == 3 and "kind" in report.problems[0].reason
    assert "Point" in report.problems[1].reason


def test_an_export_imports_back_unchanged(district: Any) -> None:
    facilities_import(data=(FIXTURES / "facilities.geojson").read_bytes(), fmt="geojson")
    exported = feature_collection(Facility.objects.order_by("pk"))
    assert exported["features"][0]["geometry"] == {"type": "Point", "coordinates": [126.9, 37.53]}
    assert "flood" in exported["features"][0]["properties"]["hazards"]

    report = facilities_import(data=json.dumps(exported).encode(), fmt="geojson", source="copy")

    assert report.created == 2
    copy = Facility.objects.get(source="copy", name_ko="당산초등학교 체육관")
    assert copy.capacity == 320 and copy.extra_hazards == ["fire"]


def test_a_wrong_typed_property_is_a_bad_row_not_a_crash(district: Any) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [126.9, 37.52]},
                "properties": {"id": f"x-{n}", "kind": "aed", "name_ko": "가", **props},
            }
            for n, props in enumerate([{"capacity": "많음"}, {"step_free": "yes"}, {"floor": "1" * 500}, {}])
        ],
    }

    report = facilities_import(data=json.dumps(collection).encode(), fmt="geojson")

    assert [p.line for p in report.problems] == [1, 2, 3]
    assert report.problems[2].reason.startswith("floor:")  # the model's own check, reported by line
    assert report.created == 1
