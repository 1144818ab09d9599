from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sotong.core"
    label = "core"
    verbose_name = _("공통")

    def ready(self) -> None:
        from django.conf import settings

        if settings.REDIS_URL:
            from sotong.core import rq_connections

            rq_connections.install()
