"""Signing in to the sync account: a one-time link through the e-mail outbox, only a digest of the
address kept, the link page asking for a button press, expired, reused and forged links refused, and
requests rate limited."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from sotong.connectors.models import Delivery
from sotong.safety.models import SyncAccount, SyncDevice, SyncSignInLink
from sotong.safety.services.sync import SignInRefused, sign_in_complete, sign_in_request
from sotong.safety.views.sync import COOKIE
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def ask(client: Client, email: str, prefix: str = "") -> Any:
    return client.post(
        f"{prefix}/safety/sync/sign-in/request",
        data=json.dumps({"email": email}),
        content_type="application/json",
    )


def link_in_mail(delivery: Delivery) -> str:
    url = re.search(r"https?://\S+/safety/sync/sign-in/\?t=\S+", delivery.payload["text"]).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_resident_signs_in_with_the_link_in_the_mail(district: Any, client: Client) -> None:
    response = ask(client, "Minji@Example.COM")
    assert response.status_code == 202
    assert "15분" in response.json()["message"]
    mail = Delivery.objects.get(channel="email")
    assert mail.recipient == "Minji@example.com"
    assert "로그인" in mail.subject
    path = link_in_mail(mail)
    page = client.get(path)
    assert page.status_code == 200 and b"<form" in page.content
    assert not SyncAccount.objects.exists(), "opening the link (a mail scanner) must not sign in"
    token = path.split("?t=", 1)[1]
    done = client.post("/safety/sync/sign-in/", {"t": token})
    assert done.status_code == 303 and done["Location"] == "/safety/?sync=signed-in#sync"
    cookie = done.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) > 86400 * 30
    assert SyncDevice.objects.get().account == SyncAccount.objects.get()
    assert client.get("/safety/sync/data").json()["signed_in"] is True


def test_only_a_digest_of_the_address_is_kept(district: Any) -> None:
    sign_in_request(email="minji@example.com")
    sign_in_complete(token=link_in_mail(Delivery.objects.get()).split("?t=", 1)[1])
    with connection.cursor() as cursor:
        for table in ("safety_syncaccount", "safety_syncsigninlink", "safety_syncdevice"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert "minji" not in repr(cursor.fetchall())


def test_the_same_address_signs_in_to_the_same_account(district: Any) -> None:
    for _ in range(2):
        sign_in_request(email="minji@example.com")
    first, second = (link_in_mail(d).split("?t=", 1)[1] for d in Delivery.objects.order_by("pk"))
    account_a, device_a = sign_in_complete(token=first)
    account_b, device_b = sign_in_complete(token=second)
    assert account_a == account_b and device_a != device_b
    assert account_a.devices.count() == 2


def test_a_link_works_once(district: Any, client: Client) -> None:
    sign_in_request(email="minji@example.com")
    token = link_in_mail(Delivery.objects.get()).split("?t=", 1)[1]
    assert client.post("/safety/sync/sign-in/", {"t": token}).status_code == 303
    again = Client().post("/safety/sync/sign-in/", {"t": token})
    assert again.status_code == 400
    assert "이미 쓰였거나" in again.content.decode()
    assert SyncDevice.objects.count() == 1


def test_an_expired_link_is_refused(district: Any) -> None:
    sign_in_request(email="minji@example.com")
    SyncSignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(SignInRefused):
        sign_in_complete(token=link_in_mail(Delivery.objects.get()).split("?t=", 1)[1])
    assert not SyncAccount.objects.exists()


def test_a_forged_link_is_refused_in_the_residents_language(district: Any, client: Client) -> None:
    response = client.post("/en/safety/sync/sign-in/", {"t": "made-up"})
    assert response.status_code == 400
    assert "no longer valid" in response.content.decode() or "expired" in response.content.decode()
    assert not SyncAccount.objects.exists()


def test_the_mail_and_the_link_are_in_the_residents_language(district: Any, client: Client) -> None:
    assert ask(client, "minji@example.com", prefix="/zh-hans").status_code == 202
    mail = Delivery.objects.get()
    assert "/zh-hans/safety/sync/sign-in/?t=" in mail.payload["text"]
    assert "登录链接" in mail.subject


def test_a_bad_address_is_refused_and_nothing_is_sent(district: Any, client: Client) -> None:
    response = ask(client, "not-an-address", prefix="/en")
    assert response.status_code == 400 and "e-mail" in response.json()["error"].lower()
    assert not Delivery.objects.exists() and not SyncSignInLink.objects.exists()


def test_links_to_one_address_are_limited(district: Any, client: Client) -> None:
    codes = [ask(Client(REMOTE_ADDR=f"10.0.0.{i}"), "minji@example.com").status_code for i in range(4)]
    assert codes == [202, 202, 202, 429]
    assert Delivery.objects.count() == 3


def test_requests_from_one_address_are_limited(district: Any, client: Client) -> None:
    codes = [ask(client, f"resident{i}@example.com").status_code for i in range(11)]
    assert codes[:10] == [202] * 10 and codes[10] == 429


def test_the_request_needs_the_csrf_token(district: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert ask(strict, "minji@example.com").status_code == 403
    assert not Delivery.objects.exists()
