from __future__ import annotations

from typing import Any

from sotong.voice.loading import load_categories


def load_demo(*, stdout: Any) -> list[dict[str, str]]:
    changed = load_categories()
    stdout.write(f"Service categories: {changed} created or updated.")
    return []
