from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "sotong.safety"
    label = "safety"
    verbose_name = _("내손안의 안전")

    def ready(self) -> None:
        from sotong.core.blocks import register_block
        from sotong.core.conversation import register_topic
        from sotong.safety.blocks import BANNER, HEAD, HOME
        from sotong.safety.kakao import SafetyTopic

        # What safety offers without the apps above it importing safety: its KakaoTalk topic (nearest
        # shelters, alerts in force) and its blocks on the resident site (the CAP feed's link, the alert
        # banner on every page, the 내손안의 안전 block on the home page).
        register_topic(SafetyTopic())
        for block in (HEAD, BANNER, HOME):
            register_block(block)
