from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sotong.safety.guides_loading import GUIDES_DIR, GuideDataError, load_guides


class Command(BaseCommand):
    help = (
        "Load the action guides (행동요령) from JSON files, one per hazard. Guides the safety office "
        "edited in the back office are kept unless --update is given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--path", type=Path, default=GUIDES_DIR, help="folder of <hazard>.json files")
        parser.add_argument(
            "--update",
            action="store_true",
            help="replace guides edited in the back office with the files' content",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = load_guides(stdout=self.stdout, update=options["update"], directory=options["path"])
        except GuideDataError as exc:
            raise CommandError(f"Nothing was loaded:\n{exc}") from exc
        self.stdout.write(f"{written} guides created or updated.")
