from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "sotong.pages"
    label = "pages"
    verbose_name = _("홈페이지")

    def ready(self) -> None:
        from sotong.pages import live, signals

        signals.connect()
        live.connect()
