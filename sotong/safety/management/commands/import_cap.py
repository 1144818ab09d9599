from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sotong.safety.cap.sources import FORMATS
from sotong.safety.services.alert_import import import_source


class Command(BaseCommand):
    help = (
        "Import alerts from a CAP 1.2 document, an Atom/RSS feed of CAP links, or a 기상청 특보 / "
        "재난문자 API response (a file or an http(s) URL). Importing the same alert again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="file path or http(s) URL")
        parser.add_argument("--format", choices=FORMATS, default="auto")

    def handle(self, *args: Any, **options: Any) -> None:
        report = import_source(options["source"], fmt=options["format"])
        for where, reason in report.refused:
            self.stderr.write(f"refused {where}: {reason}")
        self.stdout.write(
            f"{len(report.created)} imported, {len(report.unchanged)} already known, "
            f"{report.skipped} for other regions, {len(report.refused)} refused"
        )
        if report.refused and not (report.created or report.unchanged or report.skipped):
            raise CommandError("nothing imported")
