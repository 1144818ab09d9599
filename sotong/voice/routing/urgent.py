"""Urgency rules. Recall matters more than precision: a false alarm costs an officer a minute, a missed
gas leak can cost a life. The rules run at intake, in the request, before any model."""

from __future__ import annotations

import re
from dataclasses import dataclass

# (pattern, reason, life at risk)
_RULES: list[tuple[str, str, bool]] = [
    (
        r"가스\s*(냄새|누출|새)|gas (smell|leak|odou?r)|smell(s|ed)? (of )?gas|煤气|燃气",
        "가스 냄새·누출",
        True,
    ),
    (r"불\s*(났|이 났|이 나)|화재|연기가?\s*(엄청|많이|나)|\bfire\b|smoke|着火|火灾|冒烟", "화재", True),
    (
        r"쓰러(져|진|졌)\s*(있|계)|의식이?\s*없|숨을?\s*안|심정지|unconscious|collapsed on|not breathing|晕倒|昏迷",
        "사람이 쓰러짐",
        True,
    ),
    (
        r"(사람|아이|애|할머니|할아버지).{0,8}(빠졌|갇혔|매달려|다쳤)|trapped|drowning|被困",
        "사람이 위험",
        True,
    ),
    (r"비명|때리는\s*소리|학대|폭행|abuse|screaming|虐待", "폭력·학대 의심", True),
    (r"인기척이?\s*없|연락이?\s*안\s*(돼|되|닿)|고독사|no sign of (life|him|her)", "고립 주민 안부", True),
    (
        r"침수|물이?\s*(차|찼|들어|넘|솟|역류)|잠겼|flood|water (is )?(rising|coming in)|进水|淹|水.{0,4}涨",
        "침수",
        True,
    ),
    (
        r"무너(지|져|질|졌)|붕괴|기울어|넘어지기?\s*직전|금이?\s*(크게|많이)?\s*(가|갔|벌어)|collaps|about to fall|倒塌|坍塌",
        "붕괴 위험",
        True,
    ),
    (r"싱크홀|땅이?\s*꺼|도로\s*함몰|sinkhole|地陷|塌陷", "도로 함몰", True),
    (
        r"맨홀.{0,10}(열려|없|깨|파손|뚜껑)|manhole (cover )?(is )?(missing|open|broken)|井盖",
        "맨홀 위험",
        True,
    ),
    (
        r"전선.{0,10}(끊어|늘어|떨어)|감전|live wire|power line (down|fell)|电线.{0,4}(断|掉)",
        "전선·감전 위험",
        True,
    ),
    (
        r"(간판|외벽|타일|자재|철판|나무|가지).{0,16}(떨어|추락|쓰러|매달려|들떠|튀어나)|falling (sign|debris)",
        "낙하·전도 위험",
        True,
    ),
    (r"빙판|미끄러져|black ice", "빙판", False),
    (r"\[긴급\]|긴급|급해요|빨리\s*와|urgent|emergency|紧急|快点", "긴급 요청", False),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), reason, life) for pattern, reason, life in _RULES]


@dataclass(frozen=True)
class Urgency:
    urgent: bool
    life_risk: bool
    reasons: tuple[str, ...]


def detect(text: str) -> Urgency:
    reasons, life = [], False
    for pattern, reason, life_risk in _COMPILED:
        if pattern.search(text):
            reasons.append(reason)
            life = life or life_risk
    return Urgency(urgent=bool(reasons), life_risk=life, reasons=tuple(reasons))
