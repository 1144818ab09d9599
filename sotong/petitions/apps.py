from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "sotong.petitions"
    label = "petitions"
    verbose_name = _("열린구청장실")

    def ready(self) -> None:
        from sotong.core.blocks import register_block
        from sotong.core.conversation import register_topic
        from sotong.petitions.blocks import HOME
        from sotong.petitions.kakao import ProposalTopic

        # Open proposals near their threshold on the home page, and their stages in KakaoTalk.
        register_block(HOME)
        register_topic(ProposalTopic())
