"""본인 확인 before proposing or supporting: the enabled providers, each proving an identity whose keyed
digest alone is remembered in the session (decision 0082)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from sotong.core.ratelimit import client_address
from sotong.petitions import identity
from sotong.petitions.forms import CodeForm, PhoneForm, TestIdentityForm
from sotong.petitions.services import Refused
from sotong.petitions.services.verification import PENDING_KEY, phone_code_check, phone_code_send


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("petitions:proposals")


def _page(request: HttpRequest, *, status: int = 200, **forms: object) -> HttpResponse:
    enabled = {provider.key: provider for provider in identity.enabled_providers()}
    context = {
        "providers": enabled,
        "next": _next(request),
        "test_form": forms.get("test_form") or TestIdentityForm(),
        "phone_form": forms.get("phone_form") or PhoneForm(),
        "code_form": forms.get("code_form") or CodeForm(),
        # The code's form also stays while it says why a code was refused (expired, spent).
        "code_sent": isinstance(request.session.get(PENDING_KEY), dict) or bool(forms.get("code_form")),
        "identity": identity.current(request),
    }
    return render(request, "petitions/verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    provider = request.POST.get("provider", "")
    enabled = {p.key for p in identity.enabled_providers()}
    if provider not in enabled:
        return _page(request, status=400)
    if provider == "test":
        test_form = TestIdentityForm(request.POST)
        if not test_form.is_valid():
            return _page(request, status=400, test_form=test_form)
        identity.remember(request, provider="test", subject=test_form.cleaned_data["name"])
        return redirect(_next(request))
    if request.POST.get("step") == "code":
        code_form = CodeForm(request.POST)
        if not code_form.is_valid():
            return _page(request, status=400, code_form=code_form)
        try:
            subject = phone_code_check(session=request.session, code=code_form.cleaned_data["code"])
        except Refused as refused:
            code_form.add_error("code", refused.message)
            return _page(request, status=400, code_form=code_form)
        identity.remember(request, provider="phone", subject=subject)
        return redirect(_next(request))
    phone_form = PhoneForm(request.POST)
    if not phone_form.is_valid():
        return _page(request, status=400, phone_form=phone_form)
    try:
        phone_code_send(
            session=request.session, phone=phone_form.cleaned_data["phone"], address=client_address(request)
        )
    except Refused as refused:
        phone_form.add_error("phone", refused.message)
        return _page(request, status=400, phone_form=phone_form)
    return _page(request, code_form=CodeForm(), phone_form=PhoneForm(initial={}))


def sign_out(request: HttpRequest) -> HttpResponse:
    identity.forget(request)
    return redirect(reverse("petitions:index"))
