"""The subscription API the safety page's JavaScript calls: subscribe a browser with places, change or
remove it with its token; CSRF, rate limit, allow-listed endpoints, places in the district."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sotong.safety.models import Subscriber
from sotong.safety.tests import push_fixtures
from sotong.safety.tests.push_fixtures import DANGSAN1, DANGSAN2, YEOUI
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]
receiver, vapid = push_fixtures.receiver, push_fixtures.vapid

FCM = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bExample",
    "keys": {
        "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        "auth": "tBHItJI5svbpez7KI4CCXg",
    },
}


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get("/safety/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    if not token:
        from django.middleware.csrf import _get_new_csrf_string  # type: ignore[attr-defined]

        token = _get_new_csrf_string()
        client.cookies["csrftoken"] = token
    return client, token


def post(client: Client, url: str, data: dict[str, Any], token: str, method: str = "post") -> Any:
    return getattr(client, method)(
        url, data=json.dumps(data), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )


def test_the_page_gets_the_vapid_public_key(client, vapid) -> None:
    response = client.get("/api/safety/push/vapid-public-key")
    assert response.status_code == 200 and response.json() == {"publicKey": vapid}


def test_without_vapid_keys_push_is_unavailable(client, settings) -> None:
    settings.WEBPUSH_ENABLED = False
    assert client.get("/api/safety/push/vapid-public-key").status_code == 503


def test_a_browser_subscribes_with_two_places_and_gets_its_nearest_dongs(district, vapid) -> None:
    client, token = csrf_client()
    response = post(
        client,
        "/api/safety/push/subscribe",
        {"subscription": FCM, "places": [DANGSAN1, DANGSAN2], "household": ["elderly"], "language": "en"},
        token,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [p["dong"] for p in body["places"]] == ["dangsan1", "dangsan2"]
    subscriber = Subscriber.objects.get(token=body["token"])
    assert subscriber.confirmed and subscriber.language == "en" and subscriber.household == ["elderly"]


def test_without_the_csrf_token_nothing_is_saved(district, vapid) -> None:
    client, _token = csrf_client()
    response = client.post(
        "/api/safety/push/subscribe",
        data=json.dumps({"subscription": FCM, "places": [DANGSAN1]}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    ["https://evil.example/push", "http://169.254.169.254/latest/meta-data", "https://10.0.0.5/x"],
)
def test_an_endpoint_that_is_not_a_known_push_service_is_refused(district, vapid, settings, endpoint) -> None:
    settings.WEBPUSH_ALLOW_LOOPBACK = False
    client, token = csrf_client()
    response = post(
        client,
        "/api/safety/push/subscribe",
        {"subscription": {**FCM, "endpoint": endpoint}, "places": [DANGSAN1]},
        token,
    )
    assert response.status_code == 400
    assert "푸시 서비스" in response.json()["error"]
    assert not Subscriber.objects.exists()


def test_a_place_outside_the_district_is_refused_in_the_residents_language(district, vapid) -> None:
    client, token = csrf_client()
    busan = {"label": "Busan", "lat": 35.1796, "lon": 129.0756}
    response = post(
        client,
        "/api/safety/push/subscribe",
        {"subscription": FCM, "places": [busan], "language": "en"},
        token,
    )
    assert response.status_code == 400
    assert "Busan" in response.json()["error"]
    assert not Subscriber.objects.exists()


def test_at_most_five_places(district, vapid) -> None:
    client, token = csrf_client()
    response = post(
        client, "/api/safety/push/subscribe", {"subscription": FCM, "places": [DANGSAN1] * 6}, token
    )
    assert response.status_code == 400 and "5" in response.json()["error"]


def test_a_place_may_be_a_dong(district, vapid) -> None:
    client, token = csrf_client()
    response = post(
        client, "/api/safety/push/subscribe", {"subscription": FCM, "places": [{"dong": "yeoui"}]}, token
    )
    assert response.status_code == 201
    assert response.json()["places"][0]["dong"] == "yeoui"


def test_the_device_changes_its_places_and_unsubscribes_with_its_token(district, vapid) -> None:
    client, token = csrf_client()
    created = post(
        client, "/api/safety/push/subscribe", {"subscription": FCM, "places": [DANGSAN1]}, token
    ).json()
    url = f"/api/safety/push/subscriptions/{created['token']}"
    changed = post(client, url, {"places": [YEOUI, DANGSAN2]}, token, method="put")
    assert changed.status_code == 200
    assert [p["dong"] for p in changed.json()["places"]] == ["yeoui", "dangsan2"]
    bad = post(client, url, {"places": [{"lat": 0, "lon": 0}]}, token, method="put")
    assert bad.status_code == 400
    assert [p["dong"] for p in client.get(url).json()["places"]] == ["yeoui", "dangsan2"]
    assert client.delete(url, HTTP_X_CSRFTOKEN=token).status_code == 204
    assert not Subscriber.objects.exists()


def test_subscribing_the_same_browser_again_updates_it(district, vapid) -> None:
    client, token = csrf_client()
    first = post(
        client, "/api/safety/push/subscribe", {"subscription": FCM, "places": [DANGSAN1]}, token
    ).json()
    second = post(
        client, "/api/safety/push/subscribe", {"subscription": FCM, "places": [YEOUI]}, token
    ).json()
    assert first["token"] == second["token"] and Subscriber.objects.count() == 1


def test_subscribing_is_rate_limited(district, vapid) -> None:
    from sotong.safety.views.push import SUBSCRIBE_LIMIT

    client, token = csrf_client()
    codes = [
        post(
            client, "/api/safety/push/subscribe", {"subscription": FCM, "places": [DANGSAN1]}, token
        ).status_code
        for _ in range(SUBSCRIBE_LIMIT.count + 1)
    ]
    assert codes[-1] == 429 and set(codes[:-1]) == {201}


def test_a_real_browser_subscription_receives_the_alert(district, receiver) -> None:
    """Subscribed through the API, decrypted by the loopback receiver."""
    from sotong.safety.services.fanout import fan_out
    from sotong.safety.tests.alerts_fixtures import published, safety_officer

    client, token = csrf_client()
    subscription = receiver.add_subscription("minji")
    assert (
        post(
            client, "/api/safety/push/subscribe", {"subscription": subscription, "places": [DANGSAN1]}, token
        ).status_code
        == 201
    )
    fan_out(alert=published(safety_officer("seoyeon", "최서연")))
    [message] = receiver.for_subscription("minji")
    assert message.message["title"] == "당산1동·당산2동 호우경보"
