"""Back-office page for administrators: accounts with failed sign-ins, and unlocking them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from sotong.accounts.lockout import sign_in_failures, sign_in_unlock, username_limit

# Whoever may change staff accounts (administrators, superusers) may unlock their sign-in.
UNLOCK_PERMISSION = "accounts.change_user"


def can_unlock(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.has_perm(UNLOCK_PERMISSION))


def sign_in_locks(request: HttpRequest) -> HttpResponse:
    if not can_unlock(request):
        raise PermissionDenied
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        try:
            sign_in_unlock(username=username, by=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("%(username)s 계정의 로그인 잠금을 해제했습니다.") % {"username": username.strip()}
            )
        return redirect("accounts_admin_sign_in_locks")
    return TemplateResponse(
        request,
        "accounts/admin/sign_in_locks.html",
        {
            "page_title": _("로그인 잠금 해제"),
            "header_icon": "lock",
            "failures": sign_in_failures(),
            "per_address_limit": settings.AXES_FAILURE_LIMIT,
            "per_username_limit": username_limit(),
        },
    )
