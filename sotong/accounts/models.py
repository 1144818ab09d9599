from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member of the district. Residents need no account."""

    display_name = models.CharField(_("표시 이름"), max_length=60, blank=True)
    phone_extension = models.CharField(_("내선 번호"), max_length=20, blank=True)

    # The roles already looked up for this instance (organisation.selectors.roles_of keeps them here).
    _sotong_roles: set[str]

    class Meta:
        verbose_name = _("직원")
        verbose_name_plural = _("직원")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Wagtail's sidebar greets staff by first name, or else by username ("junho"): a user made with only
        # a display name is greeted by it.
        if self.display_name and not self.first_name and kwargs.get("update_fields") is None:
            self.first_name = self.display_name[:150]
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        """The name colleagues know (박준호): Wagtail shows it in the sidebar and on every record of who did
        what. Korean names are not "first last"; the display name wins over Django's first and last name."""
        return self.display_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.display_name or super().get_short_name()


def staff_member(request: HttpRequest) -> User:
    """The signed-in staff member making a back-office request (Wagtail's admin signs everyone in first)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
