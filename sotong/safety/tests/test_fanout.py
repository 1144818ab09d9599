"""The alert fan-out: only residents with a place in the area get one notice each, decrypted by a real
receiver; e-mail and SMS through the outbox; retries, cancellations and gone subscriptions."""

from __future__ import annotations

from typing import Any

import pytest

from sotong.connectors.models import Delivery
from sotong.safety.models import Alert, AlertNotice, Subscriber
from sotong.safety.services.alerts import alert_cancel
from sotong.safety.services.fanout import fan_out
from sotong.safety.services.subscribers import webpush_subscribe
from sotong.safety.tasks import fan_out_alert
from sotong.safety.tests import alerts_fixtures, push_fixtures
from sotong.safety.tests.alerts_fixtures import published
from sotong.safety.tests.push_fixtures import DANGSAN1, DANGSAN2, YEOUI
from tests.peers.webpush_receiver import Answer

pytestmark = pytest.mark.django_db
seoyeon = alerts_fixtures.seoyeon
receiver, vapid = push_fixtures.receiver, push_fixtures.vapid


def browser(receiver: Any, name: str, *places: dict[str, Any], language: str = "ko") -> Subscriber:
    return webpush_subscribe(
        subscription=receiver.add_subscription(name), places=list(places), household=[], language=language
    )


def contact(
    channel: str, value: str, *places: dict[str, Any], language: str = "ko", confirmed: bool = True
) -> Subscriber:
    from sotong.core.crypto import digest
    from sotong.safety.services.subscribers import _replace_places, places_from

    subscriber = Subscriber.objects.create(
        channel=channel,
        contact=value,
        contact_digest=digest(f"{channel}:{value}"),
        language=language,
        confirmed=confirmed,
    )
    _replace_places(subscriber, places_from(list(places)))
    return subscriber


def test_only_residents_with_a_place_in_the_chosen_dongs_get_the_push(district, seoyeon, receiver) -> None:
    browser(receiver, "minji", DANGSAN1)
    browser(receiver, "parent", YEOUI)
    browser(receiver, "both", DANGSAN1, DANGSAN2)
    browser(receiver, "english", DANGSAN2, language="en")
    alert = published(seoyeon)

    result = fan_out_alert.call(alert_id=alert.pk)

    assert result["sent"] == {"webpush": 3}
    assert sorted(m.name for m in receiver.messages) == ["both", "english", "minji"]
    [minji] = receiver.for_subscription("minji")
    assert minji.message["title"] == "당산1동·당산2동 호우경보"
    assert minji.message["body"] == "반지하와 지하 주차장에서 바로 나오세요."
    assert minji.message["alert"] == alert.pk
    assert minji.message["url"].endswith(f"/safety/alerts/{alert.pk}/")
    assert minji.message["tag"] == f"alert-{alert.pk}"
    assert minji.headers["urgency"] == "high" and int(minji.headers["ttl"]) > 0
    [english] = receiver.for_subscription("english")
    assert english.message["title"] == "Heavy rain warning for Dangsan 1 and 2"
    assert english.message["url"].startswith("/en/")
    assert AlertNotice.objects.filter(alert=alert, delivered_at__isnull=False).count() == 3


def test_a_fan_out_run_again_sends_nobody_twice(district, seoyeon, receiver) -> None:
    browser(receiver, "minji", DANGSAN1)
    alert = published(seoyeon)
    fan_out(alert=alert)
    again = fan_out(alert=alert)
    assert again.notices == 0
    assert len(receiver.for_subscription("minji")) == 1


def test_a_cancellation_is_its_own_notice_to_those_who_were_warned(district, seoyeon, receiver) -> None:
    browser(receiver, "minji", DANGSAN1)
    alert = published(seoyeon)
    fan_out(alert=alert)
    cancel = alert_cancel(original=alert, by=seoyeon)
    fan_out(alert=Alert.objects.get(pk=cancel.pk))
    first, second = receiver.for_subscription("minji")
    assert second.message["title"].startswith("[해제] ")
    assert second.message["title"].count("[해제]") == 1
    assert second.message["type"] == "Cancel"
    assert second.message["tag"] == first.message["tag"]


def test_polygons_and_circles_are_matched_exactly_after_the_box(district, seoyeon, receiver) -> None:
    browser(receiver, "inside", {"label": "", "lat": 37.5250, "lon": 126.9250})
    browser(receiver, "in_box_not_triangle", {"label": "", "lat": 37.5290, "lon": 126.9210})
    browser(receiver, "near_circle", {"label": "", "lat": 37.5135, "lon": 126.9105})
    browser(receiver, "far", DANGSAN1)
    triangle = {"type": "polygon", "points": [[37.5200, 126.9200], [37.5300, 126.9200], [37.5200, 126.9300]]}
    circle = {"type": "circle", "lat": 37.5135, "lon": 126.9100, "radius_m": 100}
    alert = published(seoyeon, dongs=[], areas=[triangle, circle])
    fan_out(alert=alert)
    assert sorted(m.name for m in receiver.messages) == ["inside", "near_circle"]


def test_email_and_sms_go_through_the_outbox_in_the_subscribers_language(district, seoyeon, receiver) -> None:
    contact("email", "minji@example.com", DANGSAN1, language="en")
    contact("sms", "01012345678", DANGSAN2)
    contact("email", "unconfirmed@example.com", DANGSAN1, confirmed=False)
    alert = published(seoyeon)
    report = fan_out(alert=alert)
    assert report.sent == {"email": 1, "sms": 1}
    email = Delivery.objects.get(channel="email", idempotency_key__startswith="safety-alert:")
    assert email.recipient == "minji@example.com"
    assert email.payload["subject"] == "Heavy rain warning for Dangsan 1 and 2"
    assert "Leave basements" in email.payload["text"]
    sms = Delivery.objects.get(channel="sms", idempotency_key__startswith="safety-alert:")
    assert sms.recipient == "01012345678"
    assert "당산1동·당산2동 호우경보" in sms.payload["text"]


def test_a_gone_subscription_is_deleted(district, seoyeon, receiver) -> None:
    gone = browser(receiver, "old", DANGSAN1)
    receiver.answer("old", Answer(410))
    fan_out(alert=published(seoyeon))
    assert not Subscriber.objects.filter(pk=gone.pk).exists()


def test_a_refused_push_is_recorded_as_failed(district, seoyeon, receiver) -> None:
    browser(receiver, "big", DANGSAN1)
    receiver.answer("big", Answer(413))
    alert = published(seoyeon)
    report = fan_out(alert=alert)
    notice = AlertNotice.objects.get(alert=alert)
    assert report.failed == 1 and notice.delivered_at is None
    assert notice.failed.startswith("permanent: 413")
    assert fan_out(alert=alert).notices == 0


def test_test_and_exercise_alerts_reach_nobody_unless_configured(
    district, seoyeon, receiver, settings
) -> None:
    browser(receiver, "minji", DANGSAN1)
    alert = published(seoyeon)
    Alert.objects.filter(pk=alert.pk).update(status="Exercise")
    alert.refresh_from_db()
    assert "Exercise" in fan_out(alert=alert).skipped
    assert receiver.messages == []
    settings.SAFETY_NOTIFY_STATUSES = ["Actual", "Exercise"]
    assert fan_out(alert=alert).sent == {"webpush": 1}


def test_a_fan_out_out_of_time_continues_in_a_new_run_without_repeats(district, seoyeon, receiver) -> None:
    for name in ("a", "b", "c"):
        browser(receiver, name, DANGSAN1)
    alert = published(seoyeon)
    first = fan_out(alert=alert, chunk_size=1, time_budget=0.0)
    assert first.unfinished and first.notices == 1
    second = fan_out(alert=alert, chunk_size=1)
    assert not second.unfinished and second.notices == 2
    assert sorted(m.name for m in receiver.messages) == ["a", "b", "c"]


def test_the_task_enqueues_its_continuation(district, seoyeon, receiver, monkeypatch) -> None:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from sotong.safety.services import fanout

    def queued() -> int:
        if isinstance(task_backends["default"], DatabaseBackend):
            from django_tasks_db.models import DBTaskResult

            return DBTaskResult.objects.filter(task_path__endswith="fan_out_alert").count()
        import django_rq

        return int(django_rq.get_queue("urgent").count)

    browser(receiver, "a", DANGSAN1)
    browser(receiver, "b", DANGSAN1)
    alert = published(seoyeon)
    monkeypatch.setattr(fanout, "TIME_BUDGET", 0.0)
    monkeypatch.setattr(fanout, "CHUNK", 1)
    before = queued()
    assert fan_out_alert.call(alert_id=alert.pk)["unfinished"] is True
    assert queued() == before + 1
