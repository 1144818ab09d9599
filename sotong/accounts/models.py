from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member of the district. Residents need no account."""

    display_name = models.CharField(_("표시 이름"), max_length=60, blank=True)
    phone_extension = models.CharField(_("내선 번호"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("직원")
        verbose_name_plural = _("직원")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
