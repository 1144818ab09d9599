"""Proving a mobile number by a one-time code (PhoneCodeProvider). The pending code lives in the resident's
session as an HMAC with the number's digest, an expiry and a count of tries: the number is not stored,
and the SMS leaves through the outbox."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.connectors.outbox import delivery_enqueue
from sotong.connectors.subscriptions import SubscriptionInvalid, normalise_contact
from sotong.core.crypto import digest
from sotong.core.ratelimit import Limit, hit
from sotong.petitions.identity import code_digest
from sotong.petitions.services import Refused

PENDING_KEY = "petitions.phone"
# Codes sent to one number, and from one address, per hour.
PER_NUMBER = Limit("petitions-code-number", 3, 3600)
PER_ADDRESS = Limit("petitions-code-address", 10, 3600)


def phone_code_send(*, session: Any, phone: str, address: str) -> None:
    try:
        number = normalise_contact("sms", phone)
    except SubscriptionInvalid as exc:
        raise Refused(str(exc)) from exc
    number_digest = digest(f"petitions-phone:{number}")
    if not hit(PER_ADDRESS, address) or not hit(PER_NUMBER, number_digest):
        raise Refused(_("인증번호를 너무 자주 요청하셨습니다. 한 시간 뒤에 다시 시도해 주세요."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = uuid.uuid4().hex
    session[PENDING_KEY] = {
        "number": number_digest,
        "code": code_digest(code, salt=salt),
        "salt": salt,
        "expires": timezone.now().timestamp() + settings.PETITIONS_PHONE_CODE_SECONDS,
        "tries": 0,
    }
    minutes = max(1, settings.PETITIONS_PHONE_CODE_SECONDS // 60)
    text = _("[%(district)s] 열린구청장실 본인 확인 인증번호 %(code)s (%(minutes)d분 안에 입력해 주세요)") % {
        "district": settings.SOTONG_DISTRICT_NAME,
        "code": code,
        "minutes": minutes,
    }
    delivery_enqueue(
        channel="sms",
        idempotency_key=f"petitions-code:{salt}",
        recipient=number,
        payload={"text": text, "purpose": "petitions_code"},
    )


def phone_code_check(*, session: Any, code: str) -> str:
    """The verified number's digest (the subject of the identity), or Refused."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        raise Refused(_("인증번호를 먼저 요청해 주세요."))
    if float(pending.get("expires", 0)) < timezone.now().timestamp():
        session.pop(PENDING_KEY, None)
        raise Refused(_("인증번호의 유효 시간이 지났습니다. 다시 요청해 주세요."))
    if int(pending.get("tries", 0)) >= settings.PETITIONS_PHONE_CODE_ATTEMPTS:
        session.pop(PENDING_KEY, None)
        raise Refused(_("인증번호를 여러 번 틀렸습니다. 새 인증번호를 요청해 주세요."))
    entered = "".join(ch for ch in str(code) if ch.isdigit())
    if len(entered) != 6 or code_digest(entered, salt=str(pending["salt"])) != pending["code"]:
        pending["tries"] = int(pending.get("tries", 0)) + 1
        session[PENDING_KEY] = pending
        raise Refused(_("인증번호가 맞지 않습니다. 문자로 받은 여섯 자리 숫자를 입력해 주세요."))
    session.pop(PENDING_KEY, None)
    return str(pending["number"])
