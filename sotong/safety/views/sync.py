"""The optional sync account at /safety/sync/ (under each language, so answers come in the page's
language): a JSON API the safety page's JavaScript calls, and the page the sign-in e-mail links to.

A device is signed in by its own cookie (`sotong_safety_sync`, HttpOnly, a random secret whose digest is
a `SyncDevice`), not by Django's session: resident accounts are not staff users, and a phone should stay
signed in for months where a staff session ends after a working day (decision 0056). CSRF stays on for
every write; the GET of `sync/data` sets the CSRF cookie the page's JavaScript sends back.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST

from sotong.core.json_body import json_object
from sotong.core.ratelimit import Limit, allow
from sotong.safety.models import SyncDevice
from sotong.safety.selectors.sync import device_for, sync_state
from sotong.safety.services.sync import (
    SignInRefused,
    SyncInvalid,
    account_delete,
    device_seen,
    email_digest,
    sign_in_address,
    sign_in_complete,
    sign_in_request,
    sign_out,
    sync_merge,
)

COOKIE = "sotong_safety_sync"
COOKIE_AGE = 60 * 60 * 24 * 180  # renewed by every sync: a device used twice a year stays signed in
MAX_BODY = 32 * 1024
SIGN_IN_LIMIT = Limit("safety-sync-sign-in", 10, 3600)  # per client address
SIGN_IN_ADDRESS_LIMIT = Limit("safety-sync-sign-in-address", 3, 900)  # per e-mail address
SIGN_IN_USE_LIMIT = Limit("safety-sync-sign-in-use", 20, 3600)  # links tried, per client address
SYNC_LIMIT = Limit("safety-sync", 60, 600)  # per device


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    return json_object(request, max_bytes=MAX_BODY, invalid=SyncInvalid)


def _device(request: HttpRequest) -> SyncDevice | None:
    return device_for(token=request.COOKIES.get(COOKIE, ""))


def _set_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _signed_out() -> JsonResponse:
    response = JsonResponse(
        {"signed_in": False, "error": _("이 기기는 동기화 계정에 로그인되어 있지 않습니다.")}, status=401
    )
    response.delete_cookie(COOKIE, path="/", samesite="Lax")
    return response


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def data(request: HttpRequest) -> HttpResponse:
    """GET: what the account holds (or signed_in false). POST {places, household}: merge this device's
    copy and answer with the account's."""
    device = _device(request)
    if request.method == "GET":
        if device is None:
            response = JsonResponse({"signed_in": False})
            if COOKIE in request.COOKIES:
                response.delete_cookie(COOKIE, path="/", samesite="Lax")
            return response
        device_seen(device=device)
        return JsonResponse(sync_state(account=device.account))
    if device is None:
        return _signed_out()
    if not allow(request, SYNC_LIMIT, key=str(device.pk)):
        return _error(_("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."), status=429)
    try:
        body = _json_body(request)
        account = sync_merge(
            account=device.account, places=body.get("places"), household=body.get("household")
        )
    except SyncInvalid as exc:
        return _error(str(exc))
    device_seen(device=device)
    response = JsonResponse(sync_state(account=account))
    _set_cookie(response, request.COOKIES[COOKIE])
    return response


@require_POST
def sign_in_request_view(request: HttpRequest) -> JsonResponse:
    """POST {email}: a one-time sign-in link by e-mail. The same answer whether or not the account exists."""
    if not allow(request, SIGN_IN_LIMIT):
        return _error(_("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."), status=429)
    try:
        address = sign_in_address(_json_body(request).get("email"))
    except SyncInvalid as exc:
        return _error(str(exc))
    if not allow(request, SIGN_IN_ADDRESS_LIMIT, key=email_digest(address)):
        return _error(
            _(
                "이 주소로 로그인 링크를 여러 번 보냈습니다. 메일함을 확인하거나 15분 뒤에 다시 요청해 주세요."
            ),
            status=429,
        )
    sign_in_request(email=address, language=get_language())
    return JsonResponse(
        {"message": _("로그인 링크를 보냈습니다. 15분 안에 메일의 링크를 이 기기에서 여세요.")}, status=202
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """The link in the sign-in e-mail (…/safety/sync/sign-in/?t=…). GET only shows a button, so a mail
    scanner opening links signs nobody in; the resident's POST signs this browser in. The token is in the
    query so that the safety service worker, which keeps pages without a query, never stores it."""
    token = str(request.POST.get("t") or request.GET.get("t") or "")
    error = ""
    if request.method == "POST":
        if not allow(request, SIGN_IN_USE_LIMIT):
            error = _("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.")
        else:
            try:
                _account, device_token = sign_in_complete(token=token)
            except SignInRefused as exc:
                error = str(exc)
            else:
                previous = _device(request)
                if previous is not None:  # signed in before (perhaps to another account): that ends
                    sign_out(device=previous)
                redirect = HttpResponseRedirect(reverse("safety:home") + "?sync=signed-in#sync")
                redirect.status_code = 303
                _set_cookie(redirect, device_token)
                return redirect
    response = render(
        request,
        "safety/sync_sign_in.html",
        {"token": token, "error": error},
        status=400 if error else 200,
    )
    # The token never leaves in a Referer to another site ("no-referrer" would make the form post Origin: null).
    response["Referrer-Policy"] = "same-origin"
    return response


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    device = _device(request)
    if device is not None:
        sign_out(device=device)
    response = JsonResponse({"signed_in": False, "message": _("이 기기에서 로그아웃했습니다.")})
    response.delete_cookie(COOKIE, path="/", samesite="Lax")
    return response


@require_POST
def account_delete_view(request: HttpRequest) -> HttpResponse:
    device = _device(request)
    if device is None:
        return _signed_out()
    account_delete(account=device.account)
    response = JsonResponse(
        {
            "signed_in": False,
            "message": _(
                "동기화 계정과 계정에 저장된 장소·가구 정보를 모두 지웠습니다. 이 기기의 장소는 그대로 있습니다."
            ),
        }
    )
    response.delete_cookie(COOKIE, path="/", samesite="Lax")
    return response
