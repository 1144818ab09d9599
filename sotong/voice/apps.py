from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "sotong.voice"
    label = "voice"
    verbose_name = _("통합 소통 창구")

    def ready(self) -> None:
        # Registers voice as the handler of inbound e-mail (connectors never import the domain).
        # Voice answers in the residents' KakaoTalk conversation (sending and checking cases).
        from sotong.core.conversation import register_topic
        from sotong.voice import email_intake  # noqa: F401
        from sotong.voice.kakao import VoiceTopic

        register_topic(VoiceTopic())

    def warm_up(self) -> None:
        # Workers route cases: load (or train once) the routing model before the first case.
        from sotong.voice import routing

        routing.get_model()
