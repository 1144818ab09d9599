""" "Remind me": by a real browser push subscription (decrypted by the loopback receiver) or by e-mail
(confirmed by a button behind the mailed link, not by opening it); sent once, shortly before the start."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from sotong.connectors.models import Delivery
from sotong.safety.tests import push_fixtures
from sotong.tv.models import Reminder
from sotong.tv.services.reminders import send_due_reminders

pytestmark = pytest.mark.django_db
receiver, vapid = push_fixtures.receiver, push_fixtures.vapid


def csrf_client(url: str) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    return client, token


def test_a_browser_is_reminded_by_push_once_shortly_before_the_start(
    make_broadcast: Any, receiver: Any, time_machine: Any, now: Any
) -> None:
    broadcast = make_broadcast(starts_in=60)
    url = f"/tv/{broadcast.pk}/"
    client, token = csrf_client(url)
    page = client.get(url).content.decode()
    assert 'id="tv-remind-push"' in page and "/tv/sw.js" in page
    key = client.get("/tv/push/vapid-public-key").json()["publicKey"]
    assert key == vapid_key(receiver)
    subscription = receiver.add_subscription("minji")
    answer = client.post(
        f"/tv/{broadcast.pk}/remind/push",
        data=json.dumps({"subscription": subscription, "language": "ko"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert answer.status_code == 201 and answer.json()["token"]
    assert send_due_reminders() == 0  # an hour before: not yet
    time_machine.move_to(now + timedelta(minutes=52), tick=False)
    assert send_due_reminders() == 1
    from sotong.connectors.outbox import delivery_send

    [push] = Delivery.objects.filter(channel="webpush")
    assert delivery_send(delivery_id=push.pk).status == Delivery.Status.SENT
    [message] = receiver.for_subscription("minji")
    assert message.message["title"].startswith("소통TV") and "건강강좌" in message.message["title"]
    assert message.message["url"].endswith(url)
    assert send_due_reminders() == 0  # once
    assert len(receiver.for_subscription("minji")) == 1


def vapid_key(receiver: Any) -> str:
    return str(receiver.vapid_public_key)


def test_the_push_endpoint_refuses_a_forged_subscription_and_cross_site_posts(
    make_broadcast: Any, vapid: Any
) -> None:
    broadcast = make_broadcast(starts_in=60)
    client, token = csrf_client(f"/tv/{broadcast.pk}/")
    bad = {"endpoint": "https://evil.example/push", "keys": {"p256dh": "x", "auth": "y"}}
    answer = client.post(
        f"/tv/{broadcast.pk}/remind/push",
        data=json.dumps({"subscription": bad}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert answer.status_code == 400 and answer.json()["error"]
    no_token = client.post(
        f"/tv/{broadcast.pk}/remind/push",
        data=json.dumps({"subscription": bad}),
        content_type="application/json",
    )
    assert no_token.status_code == 403
    assert not Reminder.objects.exists()


def test_an_email_reminder_is_confirmed_by_a_button_and_sent_once(
    make_broadcast: Any, time_machine: Any, now: Any
) -> None:
    broadcast = make_broadcast(starts_in=120)
    client, token = csrf_client(f"/tv/{broadcast.pk}/")
    answer = client.post(
        f"/tv/{broadcast.pk}/remind/email", {"email": "Minji@Example.COM", "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 200 and "확인 메일" in answer.content.decode()
    reminder = Reminder.objects.get()
    assert not reminder.confirmed and reminder.contact == "Minji@example.com"
    mail = Delivery.objects.get(channel="email")
    link = re.search(r"https?://\S+/tv/remind/confirm/\S+/", mail.payload["text"]).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    confirm_page = client.get(path)
    assert confirm_page.status_code == 200 and b"<form" in confirm_page.content
    reminder.refresh_from_db()
    assert not reminder.confirmed, "opening the link (a mail scanner) must not confirm"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', confirm_page.content).group(1).decode()
    assert client.post(path, {"csrfmiddlewaretoken": token}).status_code == 200
    reminder.refresh_from_db()
    assert reminder.confirmed
    time_machine.move_to(now + timedelta(minutes=115), tick=False)
    assert send_due_reminders() == 1 and send_due_reminders() == 0
    sent = Delivery.objects.filter(channel="email").exclude(pk=mail.pk).get()
    assert sent.recipient == "Minji@example.com" and "건강강좌" in sent.subject
    cancel = re.search(r"https?://\S+/tv/remind/cancel/\S+/", sent.payload["text"]).group(0)
    cancel_path = "/" + cancel.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(cancel_path).status_code == 200 and Reminder.objects.exists()  # a GET cancels nothing
    assert Client().post(cancel_path).status_code == 200
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b"])
def test_a_wrong_address_is_explained_and_nothing_is_stored(make_broadcast: Any, email: str) -> None:
    broadcast = make_broadcast(starts_in=60)
    answer = Client().post(f"/tv/{broadcast.pk}/remind/email", {"email": email})
    assert answer.status_code == 400 and "이메일 주소를 확인해 주세요" in answer.content.decode()
    assert not Reminder.objects.exists() and not Delivery.objects.exists()


def test_no_reminder_for_a_broadcast_already_on(make_broadcast: Any) -> None:
    broadcast = make_broadcast(starts_in=-5)
    assert 'id="tv-remind-push"' not in Client().get(f"/tv/{broadcast.pk}/").content.decode()
    answer = Client().post(f"/tv/{broadcast.pk}/remind/email", {"email": "minji@example.com"})
    assert answer.status_code == 400 and not Reminder.objects.exists()


def test_the_service_workers_share_one_push_handler(district: Any) -> None:
    for url in ("/tv/sw.js", "/safety/sw.js"):
        body = Client().get(url).content.decode()
        assert "importScripts(" in body and "connectors/push-handler.js" in body
    handler = Client().get("/static/connectors/push-handler.js")
    assert handler.status_code == 200
