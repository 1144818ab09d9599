from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "sotong.safety"
    label = "safety"
    verbose_name = _("내손안의 안전")

    def ready(self) -> None:
        # Safety answers in the residents' KakaoTalk conversation (nearest shelters, alerts in force).
        from sotong.core.conversation import register_topic
        from sotong.safety.kakao import SafetyTopic

        register_topic(SafetyTopic())
