"""Residents' safety pages: 내손안의 안전 (my places, my household, nearest shelters) and the action guides.
The 재난안전생활지도: safety_map.py; the offline-first app's worker and manifest: pwa.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET

from sotong.core.i18n import language_suffix
from sotong.organisation.models import Dong
from sotong.organisation.selectors import current_district
from sotong.safety.choices import SHELTER_HAZARDS, Audience, FacilityKind, Hazard, Phase, Setting
from sotong.safety.models import ActionGuide, Facility
from sotong.safety.nearest.payload import DEFAULT_DIRECTIONS_URL
from sotong.safety.selectors.facilities import nearest_shelters

NEAREST_LIMIT = 5
HOUSEHOLD = [a for a in Audience if a != Audience.EVERYONE]


def _compass_words() -> list[str]:
    return [
        pgettext("compass", "북"),
        pgettext("compass", "북동"),
        pgettext("compass", "동"),
        pgettext("compass", "남동"),
        pgettext("compass", "남"),
        pgettext("compass", "남서"),
        pgettext("compass", "서"),
        pgettext("compass", "북서"),
    ]


@dataclass(frozen=True)
class ShelterRow:
    """One nearest shelter as the page shows it (the server-rendered twin of what safety.js draws)."""

    facility: Facility
    distance_m: float
    direction: str
    open_now: bool
    directions_url: str

    @property
    def underground(self) -> bool:
        return self.facility.setting == Setting.UNDERGROUND

    @property
    def distance_text(self) -> str:
        return format_distance(self.distance_m)

    @property
    def walk_minutes(self) -> int:
        return max(1, round(self.distance_m / 67))  # about 4 km/h


def format_distance(metres: float) -> str:
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f}m"
    return f"{metres / 1000:.1f}km"


def _directions_template() -> str:
    # The same walking-route link the API gives (SAFETY_DIRECTIONS_URL, OpenStreetMap by default).
    return getattr(settings, "SAFETY_DIRECTIONS_URL", "") or DEFAULT_DIRECTIONS_URL


def _directions_url(from_lat: float, from_lon: float, lat: float, lon: float) -> str:
    return _directions_template().format(
        from_lat=f"{from_lat:.6f}", from_lon=f"{from_lon:.6f}", lat=f"{lat:.6f}", lon=f"{lon:.6f}"
    )


def nearest_rows(*, lat: float, lon: float, hazard: str, limit: int = NEAREST_LIMIT) -> list[ShelterRow]:
    """The nearest suitable shelters open now, ranked as the API ranks them (nearest_shelters)."""
    return [
        ShelterRow(
            facility=n.facility,
            distance_m=n.distance_m,
            direction=_compass_words()[round(n.bearing_deg / 45) % 8],
            open_now=n.open_now,
            directions_url=_directions_url(lat, lon, n.record.lat, n.record.lon),
        )
        for n in nearest_shelters(lat=lat, lon=lon, hazard=hazard, limit=limit)
    ]


def _hazard_choices() -> list[tuple[str, str]]:
    return [(h.value, str(h.label)) for h in SHELTER_HAZARDS]


def _client_strings() -> dict[str, Any]:
    """Words safety.js needs, in the page's language (no inline script: read with json_script)."""
    return {
        "compass": _compass_words(),
        "underground": _("지하"),
        "open_now": _("지금 운영 중"),
        "closed_now": _("지금 운영 안 함"),
        "capacity": _("수용 인원"),
        "people": _("%(n)s명"),
        "step_free": _("계단 없이 출입"),
        "step_free_yes": _("가능"),
        "step_free_no": _("계단 있음"),
        "unknown": _("정보 없음"),
        "lift": _("승강기 있음"),
        "distance": _("거리"),
        "walk": _("걸어서 약 %(n)s분"),
        "direction_of": _("%(dir)s쪽 %(dist)s"),
        "directions_link": _("걸어서 가는 길"),
        "new_window": _("(새 창)"),
        "kind": _("종류"),
        "hours": _("운영"),
        # One place and more than one (English says "1 shelter", "5 shelters"); safety.js picks by the count.
        "found": [
            ngettext(
                "%(place)s에서 가까운 %(hazard)s 대피 장소 %(n)s곳",
                "%(place)s에서 가까운 %(hazard)s 대피 장소 %(n)s곳",
                n,
            )
            for n in (1, 2)
        ],
        "dong_centre": _("%(dong)s 중심"),
        "none_found": _("%(place)s 근처에서 이 재난에 맞는 대피 장소를 찾지 못했습니다."),
        "no_places": _("먼저 내 장소를 저장해 주세요."),
        "choose_hazard": _("재난을 고르면 가까운 대피 장소를 보여 드립니다."),
        "offline_data": _("인터넷 연결 없이 이 기기에 저장된 시설 자료로 계산했습니다."),
        "data_from": _("시설 자료 기준: %(date)s"),
        "loading_failed": _("시설 자료를 불러오지 못했습니다. 인터넷 연결을 확인해 주세요."),
        "saved": _("%(label)s 장소를 저장했습니다."),
        "removed": _("%(label)s 장소를 지웠습니다."),
        "remove": _("지우기"),
        "place_needs_location": _(
            "행정동을 고르거나, 장소 이름이나 주소를 쓰거나, 지도를 누르거나, 내 위치를 사용해 주세요."
        ),
        "located_at": _("%(found)s의 위치를 썼습니다."),
        "not_located": _(
            "‘%(place)s’의 위치를 찾지 못해 %(centre)s에서 거리를 잽니다. "
            "지도를 눌러 위치를 고른 뒤 다시 저장하면 정확해집니다."
        ),
        "from_centre": _(
            "%(centre)s에서 거리를 잽니다. 지도를 눌러 위치를 고른 뒤 다시 저장하면 정확해집니다."
        ),
        "approx_short": _("%(centre)s 기준"),
        "located": _("현재 위치를 찾았습니다."),
        "locate_failed": _("위치를 찾지 못했습니다. 행정동을 골라 주세요."),
        "picked": _("지도에서 고른 위치"),
        "household_saved": _("가구 정보를 저장했습니다. 행동요령에서 해당 항목을 강조합니다."),
        "push_unsupported": _("이 브라우저는 알림을 지원하지 않습니다."),
        "push_denied": _("알림이 허용되지 않았습니다. 브라우저 설정에서 허용할 수 있습니다."),
        "push_done": _("알림을 받도록 등록했습니다. 저장한 장소에 특보가 내려지면 알려 드립니다."),
        "push_failed": _("알림 등록에 실패했습니다. 잠시 뒤 다시 시도해 주세요."),
        "push_needs_places": _("알림을 받으려면 먼저 내 장소를 저장해 주세요."),
        "for_household": _("우리 가구에 해당"),
        "address": _("주소"),
        "read_guide": _("%(hazard)s 행동요령 읽기"),
        "sample": _("예시 자료"),
        "sync": {
            "on": _(
                "내 장소와 가구 정보를 동기화 계정에 보관하고 있습니다. 로그인한 다른 기기에서도 같은 정보가 보입니다."
            ),
            "devices": _("이 계정에 로그인한 기기: %(n)s대"),
            "last": _("마지막 동기화: %(time)s"),
            "syncing": _("동기화하는 중입니다."),
            "done": _("동기화했습니다."),
            "offline": _(
                "인터넷에 연결되지 않아 아직 동기화하지 못했습니다. 연결되면 자동으로 동기화합니다."
            ),
            "failed": _("동기화하지 못했습니다. 잠시 뒤 다시 시도해 주세요."),
            "signed_in": _("로그인했습니다. 이 기기의 장소와 가구 정보를 계정과 합쳤습니다."),
            "signed_out_elsewhere": _(
                "이 기기는 더 이상 동기화 계정에 로그인되어 있지 않습니다. 장소는 이 기기에 그대로 있습니다."
            ),
            "email_needed": _("이메일 주소를 입력해 주세요."),
            "forgotten": _("이 기기에서 로그아웃하고, 이 기기에 저장된 장소와 가구 정보를 지웠습니다."),
        },
        "labels": {
            "home": _("집"),
            "work": _("직장"),
            "parents": _("부모님 댁"),
            "other": _("기타"),
        },
    }


def _place_lookup(dongs: list[Dong]) -> dict[str, Any]:
    """What safety.js finds a typed place name or address with, on the device: the facilities it already
    holds (names, addresses), then the dongs' names in every language, and the words an address may start
    with before the part that tells places apart (the city and the district)."""
    prefixes: list[str] = []
    district = current_district()
    if district is not None:
        # "서울특별시 영등포구 당산로 123": the words up to the district's name.
        words = district.address_ko.split()
        if district.name_ko in words:
            prefixes += words[: words.index(district.name_ko)]
        prefixes += [n for n in (district.name_ko, district.name_en, district.name_zh) if n]
    for word in list(prefixes):
        for suffix in ("특별시", "광역시", "특별자치시"):
            if word.endswith(suffix):
                prefixes += [word.removesuffix(suffix), word.removesuffix(suffix) + "시"]
    return {
        "dongs": [
            {
                "code": d.code,
                "name": d.name,
                "names": [n for n in (d.name_ko, d.name_en, d.name_zh) if n],
                "lat": float(d.lat),
                "lon": float(d.lon),
            }
            for d in dongs
        ],
        "address_prefixes": prefixes,
    }


def page_urls() -> dict[str, str]:
    return {
        "facilities": "/api/safety/facilities.json",
        "nearest": "/api/safety/shelters/nearest",
        "layers": "/api/safety/layers.json",
        "vapid_key": "/api/safety/push/vapid-public-key",
        "subscribe": "/api/safety/push/subscribe",
        "sw": reverse("safety:service_worker"),
        "scope": reverse("safety:home"),
        "guide": reverse("safety:guide", kwargs={"hazard": "HAZARD"}),
        "push_subscription": "/api/safety/push/subscriptions/TOKEN",
        "sync_data": reverse("safety:sync_data"),
        "sync_sign_in": reverse("safety:sync_sign_in_request"),
        "sync_sign_out": reverse("safety:sync_sign_out"),
        "sync_delete": reverse("safety:sync_account_delete"),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    dongs = list(Dong.objects.all())
    hazards = _hazard_choices()
    dong_code = request.GET.get("dong", "")
    hazard = request.GET.get("hazard", "")
    rows: list[ShelterRow] = []
    chosen_dong = next((d for d in dongs if d.code == dong_code), None)
    errors = []
    asked = "dong" in request.GET or "hazard" in request.GET
    if asked:
        if chosen_dong is None:
            errors.append(_("행정동을 골라 주세요."))
        if hazard not in dict(hazards):
            errors.append(_("재난을 골라 주세요."))
        if not errors:
            assert chosen_dong is not None
            rows = nearest_rows(lat=float(chosen_dong.lat), lon=float(chosen_dong.lon), hazard=hazard)
    return render(
        request,
        "safety/home.html",
        {
            "dongs": dongs,
            "hazards": hazards,
            "household": [(a.value, a.label) for a in HOUSEHOLD],
            "chosen_dong": chosen_dong,
            "hazard": hazard,
            "hazard_label": dict(hazards).get(hazard, ""),
            "rows": rows,
            "asked": asked,
            "errors": errors,
            "sync_signed_in": request.GET.get("sync") == "signed-in",
            "origin": (float(chosen_dong.lat), float(chosen_dong.lon)) if chosen_dong else None,
            # Distances count from the dong's centre, and the heading says so.
            "origin_label": _("%(dong)s 중심") % {"dong": chosen_dong.name} if chosen_dong else "",
            "guides": list(ActionGuide.objects.all()),
            "client": {
                "strings": _client_strings(),
                "urls": page_urls(),
                "hazards": dict(hazards),
                "kinds": {k.value: str(k.label) for k in FacilityKind},
                "directions": getattr(settings, "SAFETY_DIRECTIONS_URL", "") or DEFAULT_DIRECTIONS_URL,
                "settings": {k.value: str(k.label) for k in Setting},
                "lang": language_suffix(),
                "tiles": settings.SAFETY_TILE_URL,
                "attribution": settings.SAFETY_TILE_ATTRIBUTION,
                **_place_lookup(dongs),
            },
        },
    )


@require_GET
def guides(request: HttpRequest) -> HttpResponse:
    return render(request, "safety/guides.html", {"guides": list(ActionGuide.objects.all())})


@require_GET
def guide(request: HttpRequest, hazard: str) -> HttpResponse:
    if hazard not in Hazard.values:
        raise Http404
    found = ActionGuide.objects.filter(hazard=hazard).prefetch_related("steps").first()
    if found is None:
        raise Http404
    household = [a for a in request.GET.getlist("for") if a in Audience.values]
    steps = list(found.steps.all())
    phases = [
        {
            "value": phase.value,
            "label": phase.label,
            "steps": [s for s in steps if s.phase == phase.value],
        }
        for phase in Phase
    ]
    return render(
        request,
        "safety/guide.html",
        {
            "guide": found,
            "phases": [p for p in phases if p["steps"]],
            "household": household,
            "household_choices": [(a.value, a.label) for a in HOUSEHOLD],
            "audience_labels": dict(Audience.choices),
            "is_shelter_hazard": hazard in SHELTER_HAZARDS,
        },
    )
