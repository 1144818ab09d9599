"""The layers of docs/architecture.md hold: every app imports only the layers below it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.apps import apps
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return contract


def test_dependencies_point_one_way() -> None:
    configuration.configure()
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)


def test_every_app_of_ours_has_its_layer() -> None:
    """A new app cannot slip past the contract: it must be given its place among the layers."""
    layered = {name.strip() for layer in _contract()["layers"] for name in layer.replace(":", "|").split("|")}
    ours = {config.name for config in apps.get_app_configs() if config.name.startswith("sotong.")}
    assert ours - layered == set()
