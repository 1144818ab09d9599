"""The demo's sample places are data files (data/demo/), read by a small loader; every one of them ships in
the package, and each layer's shapes belong to a layer the demo makes."""

from __future__ import annotations

import json
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from sotong.safety.demo_data import DATA_DIR

ROOT = Path(__file__).resolve().parents[3]


def test_every_demo_data_file_is_shipped_with_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shipped = config["tool"]["setuptools"]["package-data"]["*"]

    files = sorted(DATA_DIR.iterdir())

    assert files
    assert [f.name for f in files if not any(fnmatch(f.name, pattern) for pattern in shipped)] == []


def test_every_shape_belongs_to_a_layer_of_features() -> None:
    layers = {layer["slug"]: layer for layer in json.loads((DATA_DIR / "layers.json").read_text())}
    shapes = json.loads((DATA_DIR / "layer_features.json").read_text())

    assert shapes["type"] == "FeatureCollection"
    for feature in shapes["features"]:
        layer = layers[feature["properties"]["layer"]]
        assert layer["source_type"] == "features", feature["id"]
