from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "sotong.voice"
    label = "voice"
    verbose_name = _("통합 소통 창구")

    def ready(self) -> None:
        from sotong.core.blocks import register_block
        from sotong.core.conversation import register_topic
        from sotong.core.referrals import register_case_intake
        from sotong.voice import email_intake  # noqa: F401 - registers voice as the inbound e-mail handler
        from sotong.voice.blocks import HOME
        from sotong.voice.kakao import VoiceTopic
        from sotong.voice.referrals import receive_referral

        # What voice offers without the apps above it importing voice: its KakaoTalk topic (send and
        # check cases) and its home page block (how to send a case, the latest published answers).
        register_topic(VoiceTopic())
        register_block(HOME)
        # Lines other domains refer (a 소통TV chat opinion that needs follow-up) become cases.
        register_case_intake(receive_referral)

    def warm_up(self) -> None:
        # Workers route cases: load (or train once) the routing model before the first case.
        from sotong.voice import routing

        routing.get_model()
