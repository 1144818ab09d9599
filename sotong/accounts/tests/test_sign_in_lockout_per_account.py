"""The sign-in lockout per account: guessing one account's password from many addresses locks the account
(ten failures), with a Korean message; an administrator unlocks it in the back office, audited. The lock
per account and address (five failures) stays as it was, and other accounts are not affected."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sotong.core.models import AuditEvent
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

RIGHT = "correct horse 42"
ACCOUNT_LOCKED = "여러 곳에서 비밀번호가 여러 번 틀려 이 계정의 로그인이 잠겼습니다. 시스템 관리자에게 잠금 해제를 요청하세요."


def address(n: int) -> str:
    return f"198.51.100.{n + 1}"


def attempt(username: str, password: str, at: str, client: Client | None = None) -> Any:
    return (client or Client()).post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=at
    )


def guess_from_many_addresses(username: str, times: int) -> list[Any]:
    """One wrong password from each of ``times`` addresses (never the per-address limit)."""
    return [attempt(username, f"guess {n}", address(n)) for n in range(times)]


@pytest.fixture
def administrator(district: Any) -> Any:
    from sotong.organisation.services import membership_grant

    user = get_user_model().objects.create_user(username="it-admin", password="admin horse 42")
    membership_grant(user=user, role="administrator", department=None)
    return user


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_guesses_from_many_addresses_lock_the_account_with_a_message(junho: Any) -> None:
    responses = guess_from_many_addresses("junho", 10)
    assert [r.status_code for r in responses[:9]] == [200] * 9  # the form again, with an error
    locked = responses[9]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "로그인이 잠겼습니다" in page
    assert ACCOUNT_LOCKED in page
    assert "15분이 지나면 저절로 풀립니다" in page

    # Even the right password, from an address that never failed, is refused.
    client = Client()
    refused = attempt("junho", RIGHT, "203.0.113.200", client)
    assert refused.status_code == 429 and ACCOUNT_LOCKED in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_administrator_unlocks_the_account_and_it_is_audited(junho: Any, administrator: Any) -> None:
    guess_from_many_addresses("junho", 10)
    assert attempt("junho", RIGHT, "203.0.113.200").status_code == 429

    admin = signed_in(administrator)
    listing = admin.get("/admin/sign-in-locks/")
    assert listing.status_code == 200
    assert "junho" in listing.text and "계정 잠김" in listing.text

    response = admin.post("/admin/sign-in-locks/", {"username": "junho"})
    assert response.status_code == 302
    assert "junho 계정의 로그인 잠금을 해제했습니다." in admin.get("/admin/sign-in-locks/").text
    event = AuditEvent.objects.get(action="accounts.sign_in_unlocked")
    assert event.actor == administrator
    assert event.target_id == str(junho.pk)
    assert event.detail["username"] == "junho" and event.detail["attempt_records"] >= 10

    client = Client()
    signed = attempt("junho", RIGHT, "203.0.113.200", client)
    assert signed.status_code == 302 and signed["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(junho.pk)


def test_only_administrators_may_unlock(junho: Any, haneul: Any) -> None:
    guess_from_many_addresses("junho", 10)
    for user in (junho, haneul):
        client = signed_in(user)
        assert client.get("/admin/sign-in-locks/").status_code in {302, 403}
        assert client.post("/admin/sign-in-locks/", {"username": "junho"}).status_code in {302, 403}
    assert not AuditEvent.objects.filter(action="accounts.sign_in_unlocked").exists()
    assert attempt("junho", RIGHT, "203.0.113.200").status_code == 429


def test_an_empty_username_unlocks_nothing(junho: Any, sora: Any, administrator: Any) -> None:
    guess_from_many_addresses("junho", 10)
    admin = signed_in(administrator)
    admin.post("/admin/sign-in-locks/", {"username": "  "})
    assert "잠금을 해제할 아이디를 입력하세요." in admin.get("/admin/sign-in-locks/").text
    assert attempt("junho", RIGHT, "203.0.113.200").status_code == 429


def test_the_per_address_limit_still_locks_at_five(junho: Any) -> None:
    for _ in range(4):
        assert attempt("junho", "wrong password", "203.0.113.7").status_code == 200
    locked = attempt("junho", "wrong password", "203.0.113.7")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "비밀번호를 여러 번 잘못 입력하여 이 계정의 로그인이 잠시 잠겼습니다." in page
    assert ACCOUNT_LOCKED not in page
    assert attempt("junho", RIGHT, "203.0.113.7").status_code == 429
    # Five failures are not yet the account's limit: from elsewhere its owner signs in.
    assert attempt("junho", RIGHT, "203.0.113.8").status_code == 302


def test_another_account_from_the_same_addresses_is_not_locked(junho: Any, sora: Any) -> None:
    guess_from_many_addresses("junho", 10)
    for n in (0, 9):
        client = Client()
        assert attempt("sora", RIGHT, address(n), client).status_code == 302
        assert "_auth_user_id" in client.session
