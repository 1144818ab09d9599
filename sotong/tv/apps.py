from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TvConfig(AppConfig):
    name = "sotong.tv"
    label = "tv"
    verbose_name = _("소통TV")

    def ready(self) -> None:
        from sotong.core.blocks import register_block
        from sotong.core.conversation import register_topic
        from sotong.tv.blocks import HOME
        from sotong.tv.kakao import TvTopic

        # What 소통TV offers without the apps above it importing it: "live now" on the home page and
        # what is on (and next) in the KakaoTalk conversation.
        register_block(HOME)
        register_topic(TvTopic())
