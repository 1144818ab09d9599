"""Urgency rules. Recall matters more than precision: a false alarm costs an officer a minute, a missed
gas leak can cost a life. The rules run at intake, in the request, before any model.

Each rule names what is happening now (a smell, water coming in, a person down), not the topic: "가스
요금", "침수 피해 보상", "긴급복지 신청" and "동물학대" are about the same words but are not emergencies.
Where a topic word alone would fire, an `unless` pattern says which neighbouring words make it calm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PERSON = (
    r"(사람|분|아저씨|아주머니|아줌마|할머니|할아버지|어르신|노인|아이|애|학생|남자|여자|노숙인|환자|인부|"
    r"손님|친구|엄마|아빠|어머니|아버지|남편|아내)"
)


@dataclass(frozen=True)
class Rule:
    reason: str
    life_risk: bool
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    def fires(self, text: str) -> bool:
        return bool(self.pattern.search(text)) and not (self.unless and self.unless.search(text))


def _rule(reason: str, life_risk: bool, pattern: str, unless: str | None = None) -> Rule:
    return Rule(
        reason,
        life_risk,
        re.compile(pattern, re.IGNORECASE),
        re.compile(unless, re.IGNORECASE) if unless else None,
    )


_RULES: list[Rule] = [
    _rule(
        "가스 냄새·누출",
        True,
        # 배기가스 is exhaust (environment); 가스 새로 신청 is a new supply (economy).
        r"(?<!배기)가스\s*(가\s*)?(냄새|누출(?!\s*(경보|감지|차단))|새(요|고|는|서|네|어|잖|ㅁ|니)|샌다|샙니다|샌\s*것)"
        r"|(?<!배기)(가스|LPG|엘피지).{0,16}(냄새\s*(가\s*)?(나|심|진동)|쉬익|새는\s*소리)"
        r"|gas (smell|leak|odou?r)|smell(s|ed|ing)? (of |like )?gas|leaking gas|gas is leaking"
        r"|煤气味|燃气味|天然气.{0,6}(味|漏)|漏气|(煤气|燃气)泄漏",
    ),
    _rule(
        "화재",
        True,
        r"불\s*(이\s*)?(났|나고|나서|난\s*것|붙었|붙어|타고)|화재\s*(가\s*)?(발생|났|나)|불길|불꽃이?\s*(튀|일|나)"
        r"|검은\s*연기|타는\s*냄새|\bon fire\b|\bfire\b(?! (hydrant|station|alarm test|department))"
        r"|(smoke|flames?) (is |are )?(coming|pouring|rising|filling)|black smoke|着火|火灾|失火|起火",
    ),
    _rule(
        "연기",
        True,
        r"연기가?.{0,10}(자욱|가득|치솟|올라와|올라오|새어|뿜어|나와|들어와|차\s*있)|冒烟|浓烟",
        # Grilling, roasting and smoking are the environment and health departments' smoke.
        unless=r"고기|고깃|구이|숯불|튀김|식당|음식점|로스팅|굽는|배기|환풍|담배|흡연|공회전|매연|굴뚝|방역|소독",
    ),
    _rule(
        "사람이 쓰러짐",
        True,
        _PERSON + r".{0,12}쓰러(져|진|졌|지|짐)|쓰러져\s*계|쓰러지셨|의식이?\s*(없|잃)"
        r"|숨을?\s*(안|못|잘\s*못)\s*쉬|호흡이?\s*(없|곤란)|심정지|심폐소생|주저앉(으셨|았)|가슴을?\s*(부여잡|움켜)"
        r"|경련|발작|열사병|unconscious|collapsed|not breathing|passed out|fainted|seizure|heat ?stroke"
        r"|晕倒|昏迷|倒在地上|没有呼吸|不省人事|中暑",
    ),
    _rule(
        "사람이 위험",
        True,
        _PERSON
        + r".{0,10}(빠졌|갇혔|매달려|다쳤|깔렸|깔릴|떨어졌|고립|피를?\s*흘)|갇혀\s*있|피를?\s*(많이\s*)?흘리"
        r"|trapped|drowning|fell into|bleeding|被困|掉进|流血",
    ),
    _rule(
        "자살·자해 위험",
        True,
        r"죽고\s*싶|자살|극단적\s*선택|뛰어내리|목숨을?\s*끊|유서|self-harm|suicid|kill (myself|himself|herself)"
        r"|end (his|her|my|their) life|想死|自杀|跳楼",
        unless=r"예방\s*(교육|사업|센터)|유가족|자살\s*예방",
    ),
    _rule(
        "폭력·학대 의심",
        True,
        r"비명|살려\s*(달라|줘|주세요)|때리는\s*소리|맞는\s*소리|때리고\s*있|맞고\s*있|폭행|죽인다|흉기|칼을\s*들"
        r"|(아이|애|아동|학생).{0,12}멍이?\s*(들|생|또|있)|(아이|애).{0,30}(혼자\s*떨|내쫓|쫓겨나|문을?\s*안\s*열어)"
        r"|(?<!동물)(?<!동물 )학대\s*(같|의심|당하|하는|받)|(아동|아이|노인|어르신)\s*학대"
        r"|screaming|(hitting|beating) (a |the |his |her |their )?(child|kid|boy|girl|wife|woman|someone)"
        r"|(?<!animal )abuse|虐待|打人|打孩子|喊救命|救命",
        unless=r"학대\s*예방|예방\s*교육|신고\s*(하면|방법|절차|했는데|한\s*지)|결과를",
    ),
    _rule(
        "고립 주민 안부",
        True,
        r"인기척이?\s*(이\s*)?없|(사흘|나흘|닷새|일주일|열흘|며칠|몇\s*일|\d+\s*일)\s*(째|동안|간|이나|넘게)?.{0,24}"
        r"(안\s*보이|안\s*나오|안보이|기척|대답|응답|연락이?\s*안|전화.{0,4}안\s*받|문을?\s*안\s*열)"
        r"|(문을?|문)\s*(두드려도|두드렸는데|두드려\s*봐도).{0,12}(대답|응답|반응|인기척)"
        r"|((혼자|홀로)\s*(사시는|사는|지내시는)|독거).{0,30}(이상한\s*냄새|악취|안\s*보이|연락이?\s*안\s*(돼|되|닿)|대답이?\s*없)"
        r"|고독사"
        r"|no sign of (life|him|her)|(hasn't|has not|haven't|have not) (been seen|opened|answered|come out)"
        r"|not seen (him|her) for|好几天没(出门|开门|见)|敲门.{0,4}没人(应|回答|开)",
        unless=r"예방\s*사업|고독사\s*예방|사업이?\s*있",
    ),
    _rule(
        "실종",
        True,
        r"실종|(아이|애|아들|딸)를?\s*잃어버렸|(아이|애|어르신|할머니|할아버지|어머니|아버지|치매).{0,16}길을?\s*잃(으|었)"
        r"|안\s*돌아오(세요|시|고|셔|신)|집을\s*나가서"
        r"|missing (child|person|kid|son|daughter)|走失|失踪",
        unless=r"실종\s*예방|예방.{0,6}(등록|지문)",
    ),
    _rule(
        "침수",
        True,
        r"(?<![화건선])물이?\s*(계속\s*|점점\s*|자꾸\s*)?(차오|차올|차고|찼|차서|차요|차\s*있|들어와|들어오고|들어옴|역류|솟|불어나)"
        r"|역류(해|하고|했)|침수\s*(됐|되고|되었|중|돼|되어)|쏟아져\s*들어|흘러\s*들어|분수처럼|솟구"
        r"|(물에?|도로[가이]?|길[이가]?|차도[가이]?|완전히|다)\s*잠(겼(?!던)|기고|겨)|물바다"
        r"|(무릎|발목|허리|종아리)까지\s*(물|찼|차)|flooded|flooding|water (is )?(rising|coming in|pouring in)"
        r"|进水|淹(了|到|没)|水.{0,4}涨|积水很深",
        unless=r"작년|지난\s*(여름|해|번|장마)|보상|피해\s*(지원|신고)|대비|예방",
    ),
    _rule(
        "붕괴 위험",
        True,
        r"무너(졌|지고|져\s*(내|있|요)|질\s*(것|듯|까|지)|지기\s*직전|져서)|붕괴|내려앉(았|고|아)"
        r"|기울어(져|지고|졌).{0,20}(넘어|쓰러|무너|직전|위험)|기운\s*것\s*같|기울었|넘어(지기|갈|질)\s*(직전|것|듯)"
        r"|금이?\s*(크게|많이|쭉|점점)\s*(가|갔|벌어)|균열이?\s*(점점\s*)?(커지|벌어)|배가?\s*(불룩|튀어나)"
        r"|collaps|about to (fall|collapse)|is leaning|bulg(e|ing)|crack(s|ed)? (is |are )?(widening|getting bigger)"
        r"|倒塌|坍塌|塌了|快倒|倒了一半",
    ),
    _rule(
        "도로 함몰",
        True,
        r"싱크홀|땅이?\s*(꺼|푹)|(도로|보도|인도|바닥|길|차도)[이가은는]?\s*.{0,10}(함몰|푹\s*꺼|꺼졌|꺼져|내려앉)"
        r"|(도로|길|보도|인도|차도|바닥).{0,10}구멍|구멍이?\s*뻥|구멍을?\s*(덮지|그대로|방치)|sinkhole|hole in the (road|street|sidewalk)|open trench|地陷|塌陷|大坑",
    ),
    _rule(
        "맨홀 위험",
        True,
        r"맨홀.{0,10}(열려|없어|없고|없음|깨|파손|뚜껑이?\s*(없|열|빠|튀|날아|들썩|밀려)|이탈|빠져)"
        r"|뚜껑.{0,6}(들썩|튀어|날아|밀려|없어|열려|빠져)"
        r"|manhole (cover )?(is )?(missing|open|broken|gone)|open manhole|井盖(没|丢|开|坏|被冲)",
    ),
    _rule(
        "전선·감전 위험",
        True,
        r"전선.{0,10}(끊어|늘어|떨어|내려|닿아|스파크|불꽃)|감전|누전|스파크|live wire|power line|downed line|sparks"
        r"|电线.{0,4}(断|掉|冒火)|漏电",
    ),
    _rule(
        "낙하·전도 위험",
        True,
        r"(간판|외벽|타일|자재|철판|나무|가지|구조물|비계|크레인|패널|유리|광고판|벽돌|가림막|펜스|울타리|담장|가로수"
        r"|그네|놀이기구|난간|전봇대|전신주|가로등|복공판)"
        r".{0,16}(떨어지(고|는|려|기)|떨어졌|떨어질|떨어져\s*(서|있|매달|걸려)|추락|쓰러(졌|지|질|져)|매달려|덜렁"
        r"|흔들(려|리)|넘어(지|질|갈|졌)|기울|들떠|들려|들썩|튀어\s*올라|부러)"
        r"|오토바이.{0,6}넘어졌"
        r"|falling (sign|debris|branch)|(sign|branch|scaffolding|tree|crane).{0,30}(hanging|swaying|falling|about to fall)"
        r"|塔吊|招牌.{0,6}(掉|倒)|树.{0,6}(倒|断)|架子倒",
        unless=r"글씨\s*떨어져|가지치기",
    ),
    _rule(
        "집단 식중독",
        False,
        r"(집단|단체|여러\s*명|\d+\s*명|한꺼번에).{0,12}(식중독|구토|설사|쓰러)|mass food poisoning|集体食物中毒",
    ),
    _rule("빙판", False, r"빙판|블랙\s*아이스|미끄러져|black ice|icy (road|street|hill|slope)|路面结冰"),
    _rule(
        "긴급 요청",
        False,
        r"\[긴급\]|긴급(?!\s*(복지|지원|생계|재난\s*지원|여권|생활))|(?<![발지공보수])급해요|급합니다|빨리\s*(와|좀\s*와)"
        r"|\burgent\b|emergency(?! (alert|financial|support|fund|welfare|passport))|紧急(?!生活|支援|援助)|快点|赶快",
    ),
]


REASONS: tuple[str, ...] = tuple(dict.fromkeys(rule.reason for rule in _RULES))


@dataclass(frozen=True)
class Urgency:
    urgent: bool
    life_risk: bool
    reasons: tuple[str, ...]


def detect(text: str) -> Urgency:
    reasons, life = [], False
    for rule in _RULES:
        if rule.fires(text):
            reasons.append(rule.reason)
            life = life or rule.life_risk
    return Urgency(urgent=bool(reasons), life_risk=life, reasons=tuple(reasons))
