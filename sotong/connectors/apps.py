from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "sotong.connectors"
    label = "connectors"
    verbose_name = _("연결 채널")

    def ready(self) -> None:
        from sotong.connectors import registry

        registry.autodiscover()
