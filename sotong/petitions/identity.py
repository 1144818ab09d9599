"""Who supports: one person, one support (decision 0082).

A provider proves an identity (a test identity in the demo, a mobile number by a one-time code, a Kakao or
Naver account through django-allauth) and hands over a stable subject; only its keyed digest is kept, in the
resident's session while they act and on each support. The phone number or provider id itself is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import digest

SESSION_KEY = "petitions.identity"
# A verified identity acts for this long before the resident verifies again.
VALID_FOR = timedelta(minutes=30)


@dataclass(frozen=True)
class Provider:
    key: str
    label: Any  # lazily translated

    def enabled(self) -> bool:
        raise NotImplementedError


class TestProvider(Provider):
    """Trusts the name it is given: the demo's and the tests' identities; off unless PETITIONS_TEST_PROVIDER."""

    def enabled(self) -> bool:
        return bool(settings.PETITIONS_TEST_PROVIDER)


class PhoneCodeProvider(Provider):
    """A six-digit code sent through the SMS connector proves the mobile number."""

    def enabled(self) -> bool:
        return bool(settings.SMS_ENABLED)


class SocialProvider(Provider):
    """A Kakao or Naver account through django-allauth; on when its client id and secret are configured."""

    def enabled(self) -> bool:
        return bool(getattr(settings, f"{self.key.upper()}_LOGIN_CLIENT_ID", "")) and bool(
            getattr(settings, f"{self.key.upper()}_LOGIN_CLIENT_SECRET", "")
        )


PROVIDERS: dict[str, Provider] = {}


def register_provider(provider: Provider) -> Provider:
    PROVIDERS[provider.key] = provider
    return provider


register_provider(TestProvider("test", _("시험용 본인 확인 (데모)")))
register_provider(PhoneCodeProvider("phone", _("휴대전화 인증번호")))
register_provider(SocialProvider("kakao", _("카카오 로그인")))
register_provider(SocialProvider("naver", _("네이버 로그인")))


def enabled_providers() -> list[Provider]:
    return [provider for provider in PROVIDERS.values() if provider.enabled()]


def identity_digest(*, provider: str, subject: str) -> str:
    """The keyed digest (HMAC-SHA256 with the settings' key) that stands for a verified identity."""
    return digest(f"petitions-identity:{provider}:{subject.strip()}")


def remember(request: HttpRequest, *, provider: str, subject: str) -> str:
    value = identity_digest(provider=provider, subject=subject)
    request.session[SESSION_KEY] = {
        "digest": value,
        "provider": provider,
        "until": (timezone.now() + VALID_FOR).timestamp(),
    }
    return value


@dataclass(frozen=True)
class Identity:
    digest: str
    provider: str


def current(request: HttpRequest) -> Identity | None:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or float(stored.get("until", 0)) < timezone.now().timestamp():
        return None
    provider = PROVIDERS.get(str(stored.get("provider")))
    if provider is None or not provider.enabled():
        return None
    return Identity(digest=str(stored["digest"]), provider=provider.key)


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def code_digest(code: str, *, salt: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"petitions-code:{salt}:{code}".encode(), hashlib.sha256
    ).hexdigest()
