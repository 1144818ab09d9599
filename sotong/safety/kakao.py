"""Safety in the residents' KakaoTalk conversation: the nearest shelters for a hazard from a dong, and the
alerts in force. The answers come from the safety module's selectors, the same ones its API and pages use;
the conversation itself (state, menu, cancelling) lives in ``sotong.site.conversation``.

Open Builder gives a skill no location, so the resident names their dong and distances count from its
centre, which the answer says.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sotong.core.conversation import Conversation, Reply, Topic, Turn, quick
from sotong.organisation.models import Dong
from sotong.organisation.selectors import dong_named_in
from sotong.safety.choices import SHELTER_HAZARDS, Hazard, Setting
from sotong.safety.selectors.alerts import active_alerts
from sotong.safety.selectors.facilities import nearest_shelters

SHELTER_LIMIT = 3
ALERT_LIMIT = 3
# The hazards a resident picks from (the district is inland: no tsunami).
ASKED_HAZARDS = tuple(h for h in SHELTER_HAZARDS if h != Hazard.TSUNAMI)
# What residents type for each hazard besides its name in each language.
_HAZARD_WORDS: dict[str, tuple[str, ...]] = {
    Hazard.EARTHQUAKE: ("지진", "earthquake", "地震"),
    Hazard.FLOOD: (
        "호우",
        "침수",
        "홍수",
        "비",
        "폭우",
        "flood",
        "heavy rain",
        "rain",
        "暴雨",
        "洪水",
        "内涝",
    ),
    Hazard.TYPHOON: ("태풍", "typhoon", "台风"),
    Hazard.HEAT: ("폭염", "더위", "무더위", "heat", "heat wave", "高温", "酷暑"),
    Hazard.COLD: ("한파", "추위", "cold", "cold wave", "寒潮", "寒流"),
    Hazard.FIRE: ("화재", "불", "fire", "火灾"),
    Hazard.AIR_RAID: ("민방공", "공습", "경보 사이렌", "air raid", "air-raid", "防空", "空袭"),
}


def hazard_label(hazard: str) -> str:
    return str(Hazard(hazard).label)


def hazard_labels() -> list[str]:
    return [hazard_label(h) for h in ASKED_HAZARDS]


def hazard_in(text: str) -> str | None:
    """The hazard a resident's message names, by its label in any language or a common word."""
    folded = " ".join(text.casefold().split())
    best: tuple[int, str] | None = None
    for hazard in ASKED_HAZARDS:
        words = set(_HAZARD_WORDS.get(hazard, ()))
        for language in ("ko", "en", "zh-hans"):
            with translation.override(language):
                words.add(hazard_label(hazard))
        for word in words:
            word = word.casefold()
            # A one-letter Korean word (비, 불) counts only as the whole message.
            matched = folded == word if len(word) == 1 else word in folded
            if matched and (best is None or len(word) > best[0]):
                best = (len(word), hazard)
    return best[1] if best else None


def alert_hazard() -> str | None:
    """The hazard of the newest alert in force that residents shelter from, if any."""
    for hazard in active_alerts().values_list("hazard", flat=True)[:5]:
        if hazard in ASKED_HAZARDS:
            return str(hazard)
    return None


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def shelters_text(*, dong: Dong, hazard: str) -> str:
    found = nearest_shelters(lat=float(dong.lat), lon=float(dong.lon), hazard=hazard, limit=SHELTER_LIMIT)
    page = _site(reverse("safety:home") + "?" + urlencode({"dong": dong.code, "hazard": hazard}))
    head = _("%(dong)s 중심에서 가까운, %(hazard)s 때 갈 수 있는 곳입니다.") % {
        "dong": dong.name,
        "hazard": hazard_label(hazard),
    }
    if not found:
        return "\n\n".join(
            [
                head,
                _("지금 열려 있는 알맞은 시설을 찾지 못했습니다. 동 주민센터나 120 다산콜센터에 문의하세요."),
                _("지도와 목록: %(url)s") % {"url": page},
            ]
        )
    lines = []
    for number, item in enumerate(found, start=1):
        facility = item.facility
        details = [
            _("%(direction)s %(distance)s")
            % {"direction": _direction(item.compass), "distance": _distance(item.distance_m)},
            str(Setting(facility.setting).label),
        ]
        if facility.capacity:
            details.append(_("%(count)s명") % {"count": formats.number_format(facility.capacity)})
        if facility.step_free:
            details.append(_("계단 없음"))
        line = f"{number}. {item.name} ({', '.join(details)})"
        if facility.address:
            line += f"\n   {facility.address}"
        lines.append(line)
    return "\n\n".join([head, "\n".join(lines), _("지도와 길찾기: %(url)s") % {"url": page}])


def _direction(compass: str) -> str:
    return {
        "N": _("북쪽"),
        "NE": _("북동쪽"),
        "E": _("동쪽"),
        "SE": _("남동쪽"),
        "S": _("남쪽"),
        "SW": _("남서쪽"),
        "W": _("서쪽"),
        "NW": _("북서쪽"),
    }.get(compass, compass)


def _distance(metres: int) -> str:
    if metres < 1000:
        return f"{metres}m"
    return f"{metres / 1000:.1f}km"


def alerts_text() -> str:
    alerts = list(active_alerts()[:ALERT_LIMIT])
    if not alerts:
        return _("지금 우리 구에 발령된 특보나 경보가 없습니다.")
    parts = [_("지금 발령된 특보·경보입니다.")]
    for alert in alerts:
        lines = [f"[{alert.get_severity_display()}] {alert.headline}"]
        if alert.area_desc:
            lines.append(_("지역: %(area)s") % {"area": alert.area_desc})
        if alert.expires:
            lines.append(
                _("종료 예정: %(when)s")
                % {"when": formats.date_format(timezone.localtime(alert.expires), "Y-m-d H:i")}
            )
        if alert.instruction:
            instruction = alert.instruction.strip()
            lines.append(instruction if len(instruction) <= 200 else instruction[:200] + "…")
        lines.append(_site(reverse("safety:alert_detail", kwargs={"pk": alert.pk})))
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


KEY = "safety"
SHELTER = gettext_noop("가까운 대피소")
ALERTS = gettext_noop("지금 발령된 특보")
MENU = gettext_noop("처음으로")


def _ask_hazard(hint: str = "") -> Reply:
    text = _("어떤 상황인가요? 아래에서 고르거나 적어 주세요.")
    return Reply(
        f"{hint}\n\n{text}" if hint else text,
        quick=[*((label, label) for label in hazard_labels()), quick(MENU)],
    )


def _ask_shelter_place(hazard: str, hint: str = "") -> Reply:
    text = _(
        "%(hazard)s 때 갈 수 있는 가까운 곳을 찾습니다. 지금 계신 동 이름을 알려 주세요. (예: 신길1동)"
    ) % {"hazard": hazard_label(hazard)}
    return Reply(f"{hint}\n\n{text}" if hint else text, quick=[quick(MENU)])


class SafetyTopic(Topic):
    """The nearest shelters (which hazard — the alert in force, when there is one — then where) and the
    alerts in force."""

    key = KEY
    order = 20
    commands = {
        "shelter": (
            SHELTER,
            "대피소",
            "가까운대피소",
            "대피소 찾기",
            "쉼터",
            "shelter",
            "shelters",
            "nearest shelter",
            "避难所",
            "附近避难所",
        ),
        "alerts": (ALERTS, "특보", "발령된 특보", "경보", "alerts", "warnings", "预警", "警报"),
    }
    menu = (SHELTER, ALERTS)
    menu_lines = (
        gettext_noop("가까운 대피소: 재난 때 갈 곳을 찾습니다."),
        gettext_noop("지금 발령된 특보: 우리 구의 특보·경보를 봅니다."),
    )

    def handle(self, turn: Turn, conversation: Conversation) -> Reply | None:
        if turn.command == "alerts":
            return Reply(alerts_text(), quick=[quick(SHELTER), quick(MENU)])
        if turn.command == "shelter":
            hazard = alert_hazard()
            if hazard is None:
                conversation.begin(KEY, "hazard")
                return _ask_hazard()
            conversation.begin(KEY, "place", hazard=hazard)
            return _ask_shelter_place(hazard)
        if conversation.step == "hazard":
            found = hazard_in(turn.text)
            if found is None:
                return _ask_hazard(_("어떤 재난인지 알아듣지 못했습니다."))
            conversation.go("place", hazard=found)
            return _ask_shelter_place(found)
        hazard = str(conversation.data.get("hazard") or "")
        dong = dong_named_in(turn.text) if turn.text else None
        if dong is None:
            return _ask_shelter_place(hazard, hint=_("우리 구의 동 이름을 찾지 못했습니다."))
        conversation.reset()
        return Reply(
            shelters_text(dong=dong, hazard=hazard), quick=[quick(SHELTER), quick(ALERTS), quick(MENU)]
        )
