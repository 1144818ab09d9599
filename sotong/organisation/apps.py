from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "sotong.organisation"
    label = "organisation"
    verbose_name = _("조직")

    def ready(self) -> None:
        from sotong.organisation import signals  # noqa: F401
