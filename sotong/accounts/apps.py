from __future__ import annotations

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sotong.accounts"
    label = "accounts"
    verbose_name = _("직원 계정")

    def ready(self) -> None:
        # Permissions exist only once every app has migrated: sync after the last one.
        post_migrate.connect(_sync_groups, sender=list(apps.get_app_configs())[-1])


def _sync_groups(**kwargs: object) -> None:
    from sotong.accounts.roles import sync_role_groups

    sync_role_groups()
