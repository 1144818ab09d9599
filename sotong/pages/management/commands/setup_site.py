from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sotong.pages.setup import setup_site


class Command(BaseCommand):
    help = "Create the site's home page and department directory in every language (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        home = setup_site()
        self.stdout.write(f"Site ready: {home.title} and its translations.")
