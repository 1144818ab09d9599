"""E-mail and SMS subscriptions: double opt-in through the outbox, contact stored encrypted."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client

from sotong.connectors.models import Delivery
from sotong.safety.models import Subscriber
from sotong.safety.services.subscribers import sms_code
from sotong.safety.tests.push_fixtures import DANGSAN1
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def post(client: Client, url: str, data: dict) -> object:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_an_email_subscription_is_confirmed_by_the_link_in_the_mail(district, client) -> None:
    response = post(
        client,
        "/api/safety/push/contact",
        {"channel": "email", "contact": "minji@example.com", "places": [DANGSAN1]},
    )
    assert response.status_code == 202
    subscriber = Subscriber.objects.get()
    assert not subscriber.confirmed
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM safety_subscriber WHERE id = %s", [subscriber.pk])
        assert "minji@example.com" not in cursor.fetchone()[0]
    mail = Delivery.objects.get(channel="email")
    assert mail.recipient == "minji@example.com"
    link = re.search(r"https?://\S+/api/safety/push/confirm/\S+", mail.payload["text"]).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and b"<form" in page.content
    subscriber.refresh_from_db()
    assert not subscriber.confirmed, "opening the link alone (a mail scanner) must not confirm"
    assert client.post("/" + path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed


def test_a_forged_confirmation_link_is_refused(district, client) -> None:
    response = client.post("/api/safety/push/confirm/not-a-signed-token")
    assert response.status_code == 400


def test_a_phone_subscription_is_confirmed_by_the_code_in_the_sms(district, client) -> None:
    response = post(
        client,
        "/api/safety/push/contact",
        {"channel": "sms", "contact": "010-1234-5678", "places": [DANGSAN1]},
    )
    assert response.status_code == 202
    token = response.json()["token"]
    subscriber = Subscriber.objects.get(token=token)
    sms = Delivery.objects.get(channel="sms")
    assert sms.recipient == "01012345678"
    assert sms_code(subscriber) in sms.payload["text"]
    wrong = post(
        client,
        f"/api/safety/push/contact/{token}/confirm",
        {"code": "000000" if sms_code(subscriber) != "000000" else "111111"},
    )
    assert wrong.status_code == 400
    right = post(client, f"/api/safety/push/contact/{token}/confirm", {"code": sms_code(subscriber)})
    assert right.status_code == 200 and right.json()["confirmed"] is True


def test_guessing_the_code_is_limited(district, client) -> None:
    token = post(
        client, "/api/safety/push/contact", {"channel": "sms", "contact": "01099998888", "places": [DANGSAN1]}
    ).json()["token"]
    codes = [
        post(client, f"/api/safety/push/contact/{token}/confirm", {"code": "x"}).status_code for _ in range(6)
    ]
    assert codes[-1] == 429


def test_a_bad_address_is_refused_in_the_residents_language(district, client) -> None:
    response = post(
        client,
        "/api/safety/push/contact",
        {"channel": "email", "contact": "not-an-address", "places": [DANGSAN1], "language": "en"},
    )
    assert response.status_code == 400 and "e-mail" in response.json()["error"].lower()
    assert not Subscriber.objects.exists()


def test_a_confirmed_address_cannot_be_changed_by_whoever_knows_it(district, client) -> None:
    post(
        client,
        "/api/safety/push/contact",
        {"channel": "email", "contact": "minji@example.com", "places": [DANGSAN1]},
    )
    Subscriber.objects.update(confirmed=True)
    response = post(
        client,
        "/api/safety/push/contact",
        {"channel": "email", "contact": "minji@example.com", "places": [{"dong": "yeoui"}]},
    )
    assert response.status_code == 202
    assert [p.dong.code for p in Subscriber.objects.get().places.all()] == ["dangsan1"]
    assert Delivery.objects.filter(channel="email").count() == 1


def test_the_unsubscribe_link_of_an_alert_mail_removes_the_subscription(district, client) -> None:
    post(
        client,
        "/api/safety/push/contact",
        {"channel": "email", "contact": "minji@example.com", "places": [DANGSAN1]},
    )
    subscriber = Subscriber.objects.get()
    url = f"/api/safety/push/unsubscribe/{subscriber.token}"
    assert client.get(url).status_code == 200 and Subscriber.objects.exists()
    assert client.post(url).status_code == 200
    assert not Subscriber.objects.exists()
