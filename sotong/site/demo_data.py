"""Every app's demo data, as ``sotong demo`` loads it (and the benchmarks that measure the demo district)."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps


def load_all(*, stdout: Any) -> list[dict[str, str]]:
    """Call each app's ``<app>/demo.py: load_demo(stdout)`` in app order; the demo accounts they return."""
    accounts: list[dict[str, str]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("sotong."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        accounts.extend(module.load_demo(stdout=stdout) or [])
    return accounts
