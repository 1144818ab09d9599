"""The sign-in lockout (django-axes, decisions 0010 and 0068): per account and address, and per account.

axes locks (username, address) after ``AXES_FAILURE_LIMIT`` failures. Guessing one account's password
from many addresses never reaches that, so this handler also locks the account itself after
``SIGN_IN_FAILURE_LIMIT_PER_USERNAME`` failures from any addresses within the cool-off. (axes' own
``[["username", "ip_address"], "username"]`` would compare both counts with the one ``AXES_FAILURE_LIMIT``:
its ``get_failures`` is the largest of the groups' sums.) Administrators unlock with ``sign_in_unlock``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.core.audit import audit_record

TEMPLATE = "accounts/locked_out.html"


def username_limit() -> int:
    return int(getattr(settings, "SIGN_IN_FAILURE_LIMIT_PER_USERNAME", 10))


def _window_start(now: datetime | None = None) -> datetime | None:
    """Failures since then count (axes counts an attempt row by its latest failure); None: all."""
    cool_off = get_cool_off()
    return (now or timezone.now()) - cool_off if cool_off else None


def username_failures(*, username: str, since: datetime | None) -> int:
    """Failed sign-ins to ``username`` from every address (rows whose latest failure is since ``since``)."""
    attempts = AccessAttempt.objects.filter(username=username)
    if since is not None:
        attempts = attempts.filter(attempt_time__gte=since)
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def account_locked(*, username: str, now: datetime | None = None) -> bool:
    """True when the account itself is locked (not only one address's tries at it)."""
    return (
        bool(username) and username_failures(username=username, since=_window_start(now)) >= username_limit()
    )


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with the account locked too once it fails from everywhere too often."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        limit = int(get_failure_limit(request, credentials))
        if failures >= limit:
            return failures
        username = get_client_username(request, credentials)
        attempt_time = getattr(request, "axes_attempt_time", None)
        if username and account_locked(username=username, now=attempt_time):
            # axes compares one number with AXES_FAILURE_LIMIT: the account's lock reads as reaching it.
            return limit
        return failures


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The lockout page (AXES_LOCKOUT_CALLABLE), saying whether the account itself is locked."""
    # axes' async middleware passes the credentials second; the request carries them either way.
    if credentials is None:
        credentials = getattr(request, "axes_credentials", None)
    username = get_client_username(request, credentials) or ""
    context = {
        "username": username,
        "cooloff_timedelta": get_cool_off(request),
        "account_locked": account_locked(username=username),
    }
    return render(request, TEMPLATE, context, status=int(getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)))


@dataclass(frozen=True)
class SignInFailures:
    username: str
    failures: int  # within the cool-off, from every address
    addresses: int
    last_attempt: datetime
    account_locked: bool  # the account itself (from everywhere)
    address_locked: bool  # at least one address reached the per-address limit


def sign_in_failures() -> list[SignInFailures]:
    """Accounts with failed sign-ins within the cool-off, locked ones first."""
    since = _window_start()
    attempts = AccessAttempt.objects.exclude(username=None).exclude(username="")
    if since is not None:
        attempts = attempts.filter(attempt_time__gte=since)
    per_address_limit = int(settings.AXES_FAILURE_LIMIT)
    rows = (
        attempts.values("username")
        .annotate(
            failures=Sum("failures_since_start"),
            addresses=Count("ip_address", distinct=True),
            last_attempt=Max("attempt_time"),
            most_from_one=Max("failures_since_start"),
        )
        .order_by("username")
    )
    found = [
        SignInFailures(
            username=row["username"],
            failures=int(row["failures"] or 0),
            addresses=int(row["addresses"]),
            last_attempt=row["last_attempt"],
            account_locked=int(row["failures"] or 0) >= username_limit(),
            address_locked=int(row["most_from_one"] or 0) >= per_address_limit,
        )
        for row in rows
    ]
    return sorted(found, key=lambda f: (not f.account_locked, not f.address_locked, f.username))


def sign_in_unlock(*, username: str, by: Any, request: HttpRequest | None = None) -> int:
    """Forget every failed sign-in to ``username`` (so every lock on it), audited. Returns how many
    attempt records were removed."""
    username = username.strip()
    if not username:
        # axes' reset with no username would forget every account's failures.
        raise ValidationError(_("잠금을 해제할 아이디를 입력하세요."))
    with transaction.atomic():
        removed = int(reset(username=username))
        audit_record(
            action="accounts.sign_in_unlocked",
            actor=by,
            target=get_user_model().objects.filter(username=username).first(),
            detail={"username": username, "attempt_records": removed},
            request=request,
        )
    return removed
