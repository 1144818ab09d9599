from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sotong.voice.loading import CATEGORIES_CSV, CategoryDataError, load_categories


class Command(BaseCommand):
    help = "Load the public service categories (also published as Open311 services) from CSV."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--path", type=Path, default=CATEGORIES_CSV)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changed = load_categories(options["path"])
        except CategoryDataError as exc:
            raise CommandError(f"Nothing was loaded:\n{exc}") from exc
        self.stdout.write(f"{changed} categories created or updated.")
