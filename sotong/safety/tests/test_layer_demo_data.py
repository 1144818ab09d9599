from __future__ import annotations

from typing import Any

import pytest

from sotong.safety.demo_data import load_sample_layers
from sotong.safety.models import LayerFeature, MapLayer
from tests.clock import MONDAY_MORNING

# The sample layers were reviewed some months before today, one of them too long ago.
pytestmark = pytest.mark.time_machine(MONDAY_MORNING)


def test_the_sample_layers_belong_to_the_departments_that_keep_them(district: Any) -> None:
    load_sample_layers()

    owners = dict(MapLayer.objects.values_list("slug", "department__code"))
    assert owners["shelters"] == "safety"
    assert owners["flood-risk"] == "water"
    assert owners["landslide"] == "parks"
    assert owners["child-protection"] == "traffic"
    assert owners["safe-routes"] == "traffic"
    voice = MapLayer.objects.get(source_type="voice")
    assert voice.slug == "reported-hazards"
    assert not voice.features.exists()
    for layer in MapLayer.objects.all():
        assert layer.data_source and layer.licence and layer.reviewed_on


def test_exactly_one_layer_is_stale_about_fourteen_months(district: Any) -> None:
    load_sample_layers()

    stale = [layer for layer in MapLayer.objects.all() if layer.is_stale()]
    assert [layer.slug for layer in stale] == ["landslide"]


def test_features_have_shapes_boxes_and_the_sample_mark(district: Any) -> None:
    load_sample_layers()

    shapes = {
        layer.slug: {f.geometry["type"] for f in layer.features.all()}
        for layer in MapLayer.objects.filter(source_type="features")
    }
    assert shapes == {
        "flood-risk": {"Polygon"},
        "landslide": {"Polygon"},
        "child-protection": {"Polygon"},
        "safe-routes": {"LineString"},
    }
    for feature in LayerFeature.objects.all():
        assert "(예시)" in feature.name_ko and feature.properties["is_sample"] is True
        assert 37.48 < feature.min_lat <= feature.max_lat < 37.55
        assert 126.87 < feature.min_lon <= feature.max_lon < 126.94


def test_loading_twice_changes_nothing(district: Any) -> None:
    load_sample_layers()
    before = (list(MapLayer.objects.values()), list(LayerFeature.objects.values()))

    assert load_sample_layers() == 0
    assert (list(MapLayer.objects.values()), list(LayerFeature.objects.values())) == before
