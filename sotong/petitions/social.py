"""Kakao and Naver sign-in as identity providers only (decision 0082): when allauth has the provider's profile,
its account id becomes the keyed digest in the resident's session and the flow stops there, before allauth
would create a user, a social account or store a token. Nothing of the account is kept."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from sotong.petitions import identity


class VerifyOnlyAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        provider = sociallogin.account.provider
        if provider not in ("kakao", "naver") or not identity.PROVIDERS[provider].enabled():
            raise ImmediateHttpResponse(redirect(reverse("petitions:verify")))
        identity.remember(request, provider=provider, subject=str(sociallogin.account.uid))
        target = str((sociallogin.state or {}).get("next") or "")
        if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("petitions:proposals")
        raise ImmediateHttpResponse(redirect(target))

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        messages.error(
            request,
            _("간편 로그인으로 본인 확인을 하지 못했습니다. 다시 시도하거나 다른 방법을 골라 주세요."),
        )
        raise ImmediateHttpResponse(redirect(reverse("petitions:verify")))

    def get_requests_session(self) -> Any:
        session = super().get_requests_session()
        hosts: dict[str, str] = dict(settings.PETITIONS_OAUTH_HOSTS)
        if not hosts:
            return session
        send = session.request

        def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            parts = urlsplit(url)
            if parts.netloc in hosts:
                base = urlsplit(hosts[parts.netloc])
                url = urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))
            return send(method, url, *args, **kwargs)

        session.request = request
        return session
