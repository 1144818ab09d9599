from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sotong.safety.importers import FORMATS
from sotong.safety.importers.common import ImportFileError
from sotong.safety.importers.geojson import feature_collection
from sotong.safety.models import Facility
from sotong.safety.services.facilities import facilities_import

MAX_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import facilities from a public-data file (LOCALDATA 민방위대피시설 CSV, 무더위쉼터/한파쉼터 "
        "standard data or API JSON, the 대피소 API JSON, the AED API XML/JSON, GeoJSON), or export "
        "the registry as GeoJSON with --export."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="file to import, or to write with --export")
        parser.add_argument("--format", choices=sorted(FORMATS), default=None)
        parser.add_argument("--source", default="", help="source name (default: one per format)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
        parser.add_argument("--strict", action="store_true", help="import nothing if any row is bad")
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file lists every facility of its source: deactivate the source's facilities missing "
            "from it (refused, like --strict, if any row is bad or the file has no rows)",
        )
        parser.add_argument("--export", action="store_true", help="write active facilities as GeoJSON")
        parser.add_argument("--include-samples", action="store_true", help="with --export: sample data too")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if options["export"]:
            self._export(path, include_samples=options["include_samples"])
            return
        if not options["format"]:
            raise CommandError("--format is required to import: " + "|".join(sorted(FORMATS)))
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path} is larger than {MAX_BYTES // 1024 // 1024} MB")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            report = facilities_import(
                data=data,
                fmt=options["format"],
                source=options["source"],
                dry_run=options["dry_run"],
                strict=options["strict"],
                full=options["full"],
            )
        except ImportFileError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        for problem in report.problems:
            self.stderr.write(str(problem))
        self.stdout.write(report.summary())

    def _export(self, path: Path, *, include_samples: bool) -> None:
        facilities = Facility.objects.filter(is_active=True).select_related("dong").order_by("kind", "pk")
        if not include_samples:
            facilities = facilities.filter(is_sample=False)
        collection = feature_collection(facilities)
        text = json.dumps(collection, ensure_ascii=False, indent=1)
        if str(path) == "-":
            self.stdout.write(text)
            return
        path.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(f"{len(collection['features'])} facilities written to {path}")
