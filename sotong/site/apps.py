from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """What spans every domain: the KakaoTalk conversation and the demo. The top of the layers: it may
    import every app, and no app imports it."""

    name = "sotong.site"
    label = "sotong_site"
    verbose_name = _("소통 전체")
