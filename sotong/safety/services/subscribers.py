"""Writes of alert subscriptions: a browser's Web Push subscription, or an e-mail address or phone number
confirmed by the resident, each with up to five places and the household.

No account: the subscription's `token` lets the device change or remove it. Every place is checked to lie
in the district (a small margin around its dongs) and gets its nearest dong. Contacts are stored encrypted
with a keyed digest for uniqueness (one subscription per browser, address or number).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.connectors.outbox import delivery_enqueue
from sotong.connectors.subscriptions import (
    LANGUAGES,
    SubscriptionInvalid,
    code_matches,
    confirmed_secret,
    language_of,
    normalise_contact,
    push_subscription,
)
from sotong.connectors.subscriptions import (
    confirmation_token as signed_confirmation,
)
from sotong.connectors.subscriptions import sms_code as code_for
from sotong.core.crypto import digest
from sotong.core.geo import distance_m
from sotong.organisation.models import Dong
from sotong.safety.choices import Audience
from sotong.safety.models import Subscriber, SubscriberPlace

__all__ = ["LANGUAGES", "SubscriptionInvalid", "language_of", "normalise_contact"]
# Places this far outside the outermost dong centres still count as in the district.
DISTRICT_MARGIN_DEG = 0.02  # about 2 km
# Korea, for a deployment whose district has no dongs loaded yet.
KOREA = (33.0, 38.7, 124.5, 132.0)
CONFIRM_SALT = "sotong.safety.subscription-confirm"


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float
    dong: Dong | None


def _dongs() -> list[Dong]:
    return list(Dong.objects.all())


def district_bounds(dongs: list[Dong]) -> tuple[float, float, float, float]:
    if not dongs:
        return KOREA
    lats = [float(d.lat) for d in dongs]
    lons = [float(d.lon) for d in dongs]
    m = DISTRICT_MARGIN_DEG
    return min(lats) - m, max(lats) + m, min(lons) - m, max(lons) + m


def nearest_dong(lat: float, lon: float, dongs: list[Dong]) -> Dong | None:
    return min(dongs, key=lambda d: distance_m(lat, lon, float(d.lat), float(d.lon)), default=None)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def places_from(raw: object) -> list[Place]:
    """Check the places a resident sent: a list of {label, lat, lon} or {label, dong}."""
    if not isinstance(raw, list) or not raw:
        raise SubscriptionInvalid(_("알림 받을 장소를 하나 이상 정해 주세요."))
    if len(raw) > settings.SAFETY_MAX_PLACES:
        raise SubscriptionInvalid(
            _("장소는 %(count)d곳까지 저장할 수 있습니다.") % {"count": settings.SAFETY_MAX_PLACES}
        )
    dongs = _dongs()
    by_code = {d.code: d for d in dongs}
    min_lat, max_lat, min_lon, max_lon = district_bounds(dongs)
    places: list[Place] = []
    for item in raw:
        if not isinstance(item, dict):
            raise SubscriptionInvalid(_("장소 정보를 읽을 수 없습니다."))
        label = str(item.get("label") or "").strip()[:40]
        if item.get("dong") not in (None, ""):
            dong = by_code.get(str(item["dong"]))
            if dong is None:
                raise SubscriptionInvalid(
                    _("우리 구의 행정동이 아닙니다: %(dong)s") % {"dong": str(item["dong"])[:40]}
                )
            places.append(Place(label or dong.name_ko, float(dong.lat), float(dong.lon), dong))
            continue
        lat, lon = _number(item.get("lat")), _number(item.get("lon"))
        if lat is None or lon is None:
            raise SubscriptionInvalid(_("장소의 위도와 경도를 숫자로 보내 주세요."))
        if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
            raise SubscriptionInvalid(
                _("%(label)s은(는) 우리 구 밖에 있습니다. 구 안의 장소만 알림을 받을 수 있습니다.")
                % {"label": label or f"{lat:.4f}, {lon:.4f}"}
            )
        places.append(Place(label, lat, lon, nearest_dong(lat, lon, dongs)))
    return places


def household_from(raw: object) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or any(item not in Audience.values for item in raw):
        raise SubscriptionInvalid(_("가구 정보를 읽을 수 없습니다."))
    return sorted(set(raw))


def _replace_places(subscriber: Subscriber, places: list[Place]) -> None:
    subscriber.places.all().delete()
    SubscriberPlace.objects.bulk_create(
        SubscriberPlace(subscriber=subscriber, label=p.label, lat=p.lat, lon=p.lon, dong=p.dong)
        for p in places
    )


@transaction.atomic
def webpush_subscribe(
    *, subscription: object, places: object, household: object = None, language: object = "ko"
) -> Subscriber:
    """Save (or refresh) a browser's push subscription with its places; the browser's permission is the
    resident's consent, so it is confirmed at once."""
    endpoint, p256dh, auth = push_subscription(subscription)
    checked_places = places_from(places)
    checked_household = household_from(household)
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        contact_digest=digest(f"webpush:{endpoint}"),
        defaults={"channel": Subscriber.Channel.WEBPUSH, "endpoint": endpoint},
    )
    subscriber.endpoint, subscriber.p256dh, subscriber.auth = endpoint, p256dh, auth
    subscriber.language = language_of(language)
    subscriber.household = checked_household
    subscriber.confirmed = True
    subscriber.save(update_fields=["endpoint", "p256dh", "auth", "language", "household", "confirmed"])
    _replace_places(subscriber, checked_places)
    return subscriber


@transaction.atomic
def subscriber_update(
    *, subscriber: Subscriber, places: object = None, household: object = None, language: object = None
) -> Subscriber:
    fields = []
    if places is not None:
        _replace_places(subscriber, places_from(places))
    if household is not None:
        subscriber.household = household_from(household)
        fields.append("household")
    if language is not None:
        subscriber.language = language_of(language)
        fields.append("language")
    if fields:
        subscriber.save(update_fields=fields)
    return subscriber


def subscriber_delete(*, subscriber: Subscriber) -> None:
    subscriber.delete()


# E-mail and SMS: double opt-in ------------------------------------------------------------------------


def sms_code(subscriber: Subscriber) -> str:
    """A six-digit code derived from the subscription's secret token: nothing more to store."""
    return code_for(str(subscriber.token))


def confirmation_token(subscriber: Subscriber) -> str:
    return signed_confirmation(str(subscriber.token), salt=CONFIRM_SALT)


def _confirm_url(subscriber: Subscriber) -> str:
    try:
        path = reverse("safety_api:push_confirm", args=[confirmation_token(subscriber)])
    except NoReverseMatch:
        path = f"/api/safety/push/confirm/{confirmation_token(subscriber)}"
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"


@transaction.atomic
def contact_subscribe(
    *, channel: str, contact: object, places: object, household: object = None, language: object = "ko"
) -> Subscriber:
    """Save an unconfirmed e-mail or SMS subscription and send its confirmation (a link or a code).
    Subscribing again before confirming replaces the places and sends the confirmation again."""
    value = normalise_contact(channel, contact)
    checked_places = places_from(places)
    checked_household = household_from(household)
    lang = language_of(language)
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        contact_digest=digest(f"{channel}:{value}"), defaults={"channel": channel, "contact": value}
    )
    if subscriber.confirmed:
        # Whoever knows an address must not change its places: a confirmed subscription is changed
        # with its own token. The answer looks the same, so nobody learns who subscribed.
        return subscriber
    subscriber.language, subscriber.household = lang, checked_household
    subscriber.save(update_fields=["language", "household"])
    _replace_places(subscriber, checked_places)
    _send_confirmation(subscriber, value)
    return subscriber


def _send_confirmation(subscriber: Subscriber, contact: str) -> None:
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    with translation.override(subscriber.language):
        district = str(settings.SOTONG_DISTRICT_NAME)
        if subscriber.channel == Subscriber.Channel.EMAIL:
            subject = _("[%(district)s] 재난 알림 신청을 확인해 주세요") % {"district": district}
            text = _(
                "재난·안전 알림을 이 주소로 받으려면 아래 링크를 열어 확인해 주세요.\n\n%(url)s\n\n"
                "신청하지 않으셨다면 이 메일을 무시하세요. 확인하지 않으면 알림을 보내지 않습니다."
            ) % {"url": _confirm_url(subscriber)}
            delivery_enqueue(
                channel="email",
                idempotency_key=f"safety-confirm:{subscriber.pk}:{stamp}",
                recipient=contact,
                subject=subject,
                payload={"subject": subject, "text": text},
            )
        else:
            text = _("[%(district)s] 재난 알림 확인 번호: %(code)s") % {
                "district": district,
                "code": sms_code(subscriber),
            }
            delivery_enqueue(
                channel="sms",
                idempotency_key=f"safety-confirm:{subscriber.pk}:{stamp}",
                recipient=contact,
                payload={"text": text, "purpose": "safety_confirm"},
            )


def confirm_by_link(*, token: str) -> Subscriber:
    value = confirmed_secret(token, salt=CONFIRM_SALT)
    try:
        subscriber = Subscriber.objects.get(token=value, channel=Subscriber.Channel.EMAIL)
    except (Subscriber.DoesNotExist, ValueError) as exc:
        raise SubscriptionInvalid(
            _("확인 링크가 올바르지 않거나 기한이 지났습니다. 다시 신청해 주세요.")
        ) from exc
    if not subscriber.confirmed:
        subscriber.confirmed = True
        subscriber.save(update_fields=["confirmed"])
    return subscriber


def confirm_by_code(*, subscriber: Subscriber, code: object) -> Subscriber:
    if subscriber.channel != Subscriber.Channel.SMS or not code_matches(str(subscriber.token), code):
        raise SubscriptionInvalid(_("확인 번호가 맞지 않습니다."))
    if not subscriber.confirmed:
        subscriber.confirmed = True
        subscriber.save(update_fields=["confirmed"])
    return subscriber
