"""What every "tell me later" of the site shares, whatever it tells: safety's alert subscriptions and
소통TV's reminders. A browser's Web Push subscription checked before it is stored, an e-mail address or
mobile number normalised, and the double opt-in (a signed link by e-mail, a six-digit code by SMS)."""

from __future__ import annotations

import hmac
import re
from hashlib import sha256

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from sotong.connectors.webpush.allowlist import endpoint_refusal
from sotong.connectors.webpush.encryption import PushRefused, auth_secret, receiver_key

EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
MOBILE_RE = re.compile(r"^01[016789]\d{7,8}$")
CONFIRM_MAX_AGE = 60 * 60 * 24 * 3
LANGUAGES = ("ko", "en", "zh-hans")


class SubscriptionInvalid(ValueError):
    """What was sent cannot be saved; the message is in the resident's language."""


def language_of(value: object) -> str:
    text = str(value or "ko").lower().replace("_", "-")
    if text.startswith("zh"):
        return "zh-hans"
    return "en" if text.startswith("en") else "ko"


def push_subscription(subscription: object) -> tuple[str, str, str]:
    """The endpoint and keys of a browser's PushSubscription (``toJSON()``), refused unless the endpoint is
    a known push service and the keys are usable."""
    if not isinstance(subscription, dict) or not isinstance(subscription.get("keys"), dict):
        raise SubscriptionInvalid(_("푸시 구독 정보를 읽을 수 없습니다."))
    endpoint = str(subscription.get("endpoint") or "")
    keys = subscription["keys"]
    p256dh, auth = str(keys.get("p256dh") or ""), str(keys.get("auth") or "")
    if endpoint_refusal(endpoint):
        raise SubscriptionInvalid(_("이 브라우저의 푸시 서비스는 사용할 수 없습니다."))
    try:
        receiver_key(p256dh)
        auth_secret(auth)
    except PushRefused as exc:
        raise SubscriptionInvalid(_("푸시 구독 정보를 읽을 수 없습니다.")) from exc
    return endpoint, p256dh, auth


def normalise_contact(channel: str, contact: object) -> str:
    text = str(contact or "").strip()
    if channel == "email":
        if not EMAIL_RE.match(text):
            raise SubscriptionInvalid(_("이메일 주소를 확인해 주세요."))
        local, _at, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}"
    if channel == "sms":
        digits = re.sub(r"[\s-]", "", text)
        if digits.startswith("+82"):
            digits = "0" + digits[3:]
        if not MOBILE_RE.match(digits):
            raise SubscriptionInvalid(_("휴대전화 번호를 확인해 주세요 (010으로 시작하는 번호)."))
        return digits
    raise SubscriptionInvalid(_("알림 방법은 이메일 또는 문자 중에서 골라 주세요."))


def sms_code(secret: str) -> str:
    """A six-digit code derived from a subscription's secret token: nothing more to store."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"sms-confirm:{secret}".encode(), sha256)
    return f"{int.from_bytes(mac.digest()[:8], 'big') % 1_000_000:06d}"


def code_matches(secret: str, code: object) -> bool:
    return hmac.compare_digest(str(code or "").strip(), sms_code(secret))


def confirmation_token(secret: str, *, salt: str) -> str:
    return signing.dumps(secret, salt=salt)


def confirmed_secret(token: str, *, salt: str, max_age: int = CONFIRM_MAX_AGE) -> str:
    """The secret a confirmation link carries, if it is genuine and recent."""
    try:
        return str(signing.loads(token, salt=salt, max_age=max_age))
    except signing.BadSignature as exc:
        raise SubscriptionInvalid(
            _("확인 링크가 올바르지 않거나 기한이 지났습니다. 다시 신청해 주세요.")
        ) from exc
