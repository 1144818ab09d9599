"""The resident pages the browser tests visit, and helpers shared by the test files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = {"ko": "/", "en": "/en/", "zh-Hans": "/zh-hans/"}


@dataclass(frozen=True)
class ResidentPage:
    kind: str  # home, departments, department-roads, privacy, terms
    lang: str  # the BCP 47 tag <html lang> must carry

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.lang.lower()}"

    @property
    def path(self) -> str:
        return path_of(self.kind, self.lang)


def path_of(kind: str, lang: str) -> str:
    prefix = LANGUAGES[lang]
    return {
        "home": prefix,
        "departments": f"{prefix}departments/",
        "department-roads": f"{prefix}departments/roads/",
        "privacy": f"{prefix}privacy/",
        "terms": f"{prefix}terms/",
    }[kind]


HOME = [ResidentPage("home", lang) for lang in LANGUAGES]
DIRECTORY = [ResidentPage("departments", lang) for lang in LANGUAGES]
DEPARTMENT = [ResidentPage("department-roads", lang) for lang in LANGUAGES]
LEGAL = [ResidentPage(kind, lang) for kind in ("privacy", "terms") for lang in LANGUAGES]
ALL_PAGES = [*HOME, *DIRECTORY, *DEPARTMENT, *LEGAL]


def open_page(page: Any, base_url: str, resident_page: ResidentPage) -> None:
    response = page.goto(base_url + resident_page.path)
    assert response is not None
    assert response.status == 200, f"{resident_page.path} answered {response.status}"


def serious_violations(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in results["violations"] if v["impact"] in {"serious", "critical"}]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        lines.append(f"{violation['id']} ({violation['impact']}): {targets} — {violation['help']}")
    return "\n".join(lines)


@cache
def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def axe_clean(page: Any, name: str, shots: Path) -> None:
    """The page's screenshot (taken first, so that a failing page still leaves its picture) in ``shots``,
    axe-core's findings in the ``axe`` folder beside it, and no serious or critical violation."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    results = _axe().run(page).response
    save_axe_results(shots.parent / "axe", name, results)
    serious = serious_violations(results)
    assert [v["id"] for v in serious] == [], f"axe found on {name} ({page.url}):\n{describe(serious)}"


def save_axe_results(folder: Path, name: str, results: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(
        json.dumps(results["violations"], ensure_ascii=False, indent=2), encoding="utf-8"
    )
