"""axe-core on every resident page: no serious or critical violation. Each page leaves a screenshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.resident import ALL_PAGES, describe, open_page, save_axe_results, serious_violations

pytestmark = pytest.mark.browser


def test_no_resident_page_has_a_serious_or_critical_axe_violation(
    page: Any, resident_site: str, artifacts_dir: Path, screenshots: Path, subtests: Any
) -> None:
    axe = Axe()
    for resident_page in ALL_PAGES:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)
            # Before any assertion, so that a failing page still leaves its picture.
            page.screenshot(path=str(screenshots / f"{resident_page.name}.png"), full_page=True)

            results = axe.run(page).response
            save_axe_results(artifacts_dir / "axe", resident_page.name, results)

            serious = serious_violations(results)
            assert [v["id"] for v in serious] == [], (
                f"axe found on {resident_page.path}:\n{describe(serious)}"
            )
