"""Pushes to a real receiver on loopback that decrypts them with http_ece."""

from __future__ import annotations

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from sotong.connectors.webpush.encryption import encrypt
from sotong.connectors.webpush.sender import Push, PushSender, new_event_loop
from sotong.connectors.webpush.vapid import (
    VapidSigner,
    application_server_key,
    generate_private_key,
    private_key_text,
    public_key_text,
    verify_jwt,
)
from tests.clock import MONDAY_MORNING
from tests.peers.webpush_receiver import Answer, Receiver

# VAPID tokens expire, and are reused only while far from it.
pytestmark = pytest.mark.time_machine(MONDAY_MORNING)


@pytest.fixture
def vapid(settings):
    key = generate_private_key()
    settings.WEBPUSH_ENABLED = True
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private_key_text(key)
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:safety@example.go.kr"
    settings.WEBPUSH_ALLOW_LOOPBACK = True
    return VapidSigner(key, "mailto:safety@example.go.kr")


@pytest.fixture
def receiver(vapid):
    with Receiver(vapid_public_key=vapid.public) as running:
        yield running


def run(coro):
    loop = new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def send(signer, *pushes, sleep=None):
    async def go():
        kwargs = {"sleep": sleep} if sleep else {}
        async with PushSender(signer, concurrency=4, **kwargs) as sender:
            return await sender.send_all(pushes)

    return run(go())


def push_for(subscription, message, key=1, **extra):
    return Push(
        key=key,
        endpoint=subscription["endpoint"],
        p256dh=subscription["keys"]["p256dh"],
        auth=subscription["keys"]["auth"],
        data=json.dumps(message, ensure_ascii=False).encode(),
        ttl=extra.pop("ttl", 3600),
        urgency=extra.pop("urgency", "high"),
        **extra,
    )


def test_the_receiver_decrypts_the_push_with_the_subscriptions_private_key(vapid, receiver) -> None:
    subscription = receiver.add_subscription("minji")
    message = {
        "title": "[호우경보] 당산1동",
        "body": "반지하에서 나오세요",
        "url": "/safety/alerts/1/",
        "alert": 1,
    }
    [result] = send(vapid, push_for(subscription, message, ttl=21600))
    assert result.outcome == "delivered" and result.status == 201
    [got] = receiver.for_subscription("minji")
    assert got.message == message
    assert got.headers["content-encoding"] == "aes128gcm"
    assert got.headers["ttl"] == "21600"
    assert got.headers["urgency"] == "high"
    scheme, params = got.headers["authorization"].split(" ", 1)
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == vapid.public
    claims = verify_jwt(fields["t"], fields["k"])
    assert claims["aud"] == receiver.origin
    assert claims["sub"] == "mailto:safety@example.go.kr"
    assert time.time() < int(claims["exp"]) <= time.time() + 24 * 3600


def test_the_public_key_is_the_applicationserverkey_of_the_configured_private_key(vapid) -> None:
    raw = base64.urlsafe_b64decode(application_server_key() + "==")
    assert len(raw) == 65 and raw[0] == 4
    assert application_server_key() == vapid.public


def test_one_jwt_is_signed_per_push_service_and_reused(vapid) -> None:
    first = vapid.authorization("https://fcm.googleapis.com/fcm/send/a")
    assert vapid.authorization("https://fcm.googleapis.com/fcm/send/b") == first
    assert vapid.authorization("https://web.push.apple.com/x") != first
    later = time.time() + 12 * 3600
    assert vapid.authorization("https://fcm.googleapis.com/fcm/send/a", now=later) != first


def test_every_message_has_its_own_key_and_salt(vapid, receiver) -> None:
    subscription = receiver.add_subscription("a")
    one = encrypt(b"same", p256dh=subscription["keys"]["p256dh"], auth=subscription["keys"]["auth"])
    two = encrypt(b"same", p256dh=subscription["keys"]["p256dh"], auth=subscription["keys"]["auth"])
    assert one[:16] != two[:16] and one[21:86] != two[21:86]
    assert int.from_bytes(one[16:20], "big") == 4096 and one[20] == 65


def test_a_gone_subscription_is_reported_for_deletion(vapid, receiver) -> None:
    subscription = receiver.add_subscription("old")
    receiver.answer("old", Answer(410))
    [result] = send(vapid, push_for(subscription, {"t": 1}))
    assert result.outcome == "gone" and result.status == 410


def test_too_many_requests_is_retried_after_the_time_the_service_asks(vapid, receiver) -> None:
    subscription = receiver.add_subscription("busy")
    receiver.answer("busy", Answer(429, {"Retry-After": "7"}), Answer(503))
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    [result] = send(vapid, push_for(subscription, {"t": 1}), sleep=sleep)
    assert result.outcome == "delivered" and result.attempts == 3
    assert waited == [7.0, 2.0]
    assert len(receiver.for_subscription("busy")) == 1


def test_too_large_is_a_permanent_failure(vapid, receiver) -> None:
    subscription = receiver.add_subscription("big")
    receiver.answer("big", Answer(413))
    [result] = send(vapid, push_for(subscription, {"t": 1}))
    assert result.outcome == "failed" and result.permanent and "413" in result.detail


def test_an_endpoint_off_the_allow_list_is_refused_at_send_time(vapid, receiver, settings) -> None:
    subscription = receiver.add_subscription("x")
    settings.WEBPUSH_ALLOW_LOOPBACK = False
    [result] = send(vapid, push_for(subscription, {"t": 1}))
    assert result.outcome == "failed" and result.permanent
    assert receiver.requests == 0


def test_a_push_made_by_pywebpush_decrypts_the_same_way(vapid, receiver) -> None:
    """The receiver is a fair judge: pywebpush's own aes128gcm output decrypts in it too."""
    from pywebpush import WebPusher

    subscription = receiver.add_subscription("ref")
    body = WebPusher(subscription).encode(b'{"ok":true}', "aes128gcm")["body"]
    answer = receiver.handle(
        "/push/ref",
        {"content-encoding": "aes128gcm", "ttl": "60", "authorization": vapid.authorization(receiver.origin)},
        body,
    )
    assert answer.status == 201
    assert receiver.for_subscription("ref")[0].message == {"ok": True}


def test_webpush_keys_prints_a_usable_key_pair(capsys) -> None:
    from django.core.management import call_command

    from sotong.connectors.webpush.vapid import load_private_key

    call_command("webpush_keys", subject="mailto:a@example.go.kr")
    out = capsys.readouterr()
    private = out.out.splitlines()[0].split("=", 1)[1]
    key = load_private_key(private)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert public_key_text(key) in out.err


def test_many_pushes_go_concurrently_over_few_connections(vapid, receiver) -> None:
    subscriptions = [receiver.add_subscription(f"s{i}") for i in range(200)]
    results = send(vapid, *(push_for(s, {"i": i}, key=i) for i, s in enumerate(subscriptions)))
    assert sorted(r.key for r in results if r.outcome == "delivered") == list(range(200))
    assert sorted(m.message["i"] for m in receiver.messages) == list(range(200))
