from __future__ import annotations

from typing import Any

from sotong.pages.setup import setup_site


def load_demo(*, stdout: Any) -> list[dict[str, str]]:
    setup_site()
    stdout.write("Home page and department directory ready in 한국어, English, 简体中文.")
    return []
