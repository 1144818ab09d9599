from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "sotong.petitions"
    label = "petitions"
    verbose_name = _("열린구청장실")
