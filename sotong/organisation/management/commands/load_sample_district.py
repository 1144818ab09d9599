from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sotong.organisation.loading import DATA_DIR, DistrictDataError, load_district


class Command(BaseCommand):
    help = "Load the district, its bureaus, departments and dongs from CSV (idempotent; all or nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--departments", type=Path, default=DATA_DIR / "departments.csv")
        parser.add_argument("--dongs", type=Path, default=DATA_DIR / "dongs.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_district(departments_csv=options["departments"], dongs_csv=options["dongs"])
        except DistrictDataError as exc:
            raise CommandError(
                "Nothing was loaded; fix these rows and run again:\n"
                + "\n".join(f"  {p}" for p in exc.problems)
            ) from exc
        self.stdout.write(report.summary())
        if not report.changed:
            self.stdout.write("Nothing changed: the district was already loaded.")
