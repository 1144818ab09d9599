"""Writing, approving, publishing, updating and cancelling alerts in the back office (services and screens)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from sotong.core.models import AuditEvent
from sotong.organisation.models import Dong
from sotong.safety.models import Alert
from sotong.safety.services.alerts import (
    AlertRefused,
    alert_approve,
    alert_cancel,
    alert_create,
    alert_reject,
    alert_submit,
    alert_update_draft,
    reference_of,
)
from sotong.safety.tests import alerts_fixtures
from sotong.safety.tests.alerts_fixtures import draft, published
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]
seoyeon, taeho = alerts_fixtures.seoyeon, alerts_fixtures.taeho


def trail(alert: Alert) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(target_type="safety.alert", target_id=str(alert.pk))
        .order_by("at", "pk")
        .values_list("action", "actor_label")
    )


def test_a_severe_alert_is_published_by_its_author_at_once(seoyeon: Any, settings: Any) -> None:
    settings.SOTONG_DISTRICT_DOMAIN = "www.ydp.go.kr"

    alert = published(seoyeon)

    assert alert.sender == "www.ydp.go.kr"
    assert alert.published_at is not None and alert.approved_by is None
    assert alert.event == "호우·침수"
    assert trail(alert) == [
        ("safety.alert_created", "seoyeon"),
        ("safety.alert_published", "seoyeon"),
    ]


def test_an_extreme_alert_waits_for_a_second_safety_officer(seoyeon: Any, taeho: Any) -> None:
    alert = alert_submit(alert=alert_create(data=draft(severity="Extreme"), by=seoyeon), by=seoyeon)

    assert alert.state == Alert.State.PENDING
    with pytest.raises(AlertRefused):
        alert_approve(alert=alert, by=seoyeon)

    approved = alert_approve(alert=alert, by=taeho)

    assert approved.state == Alert.State.PUBLISHED
    assert approved.approved_by == taeho
    assert [action for action, _ in trail(alert)] == [
        "safety.alert_created",
        "safety.alert_approval_requested",
        "safety.alert_approved",
        "safety.alert_published",
    ]


def test_the_second_officer_is_told_that_an_approval_waits(seoyeon: Any, taeho: Any) -> None:
    from sotong.core.models import Notification

    alert_submit(alert=alert_create(data=draft(severity="Extreme"), by=seoyeon), by=seoyeon)

    assert Notification.objects.filter(user=taeho, level="urgent").count() == 1
    assert not Notification.objects.filter(user=seoyeon).exists()


def test_a_rejected_alert_goes_back_to_its_author_as_a_draft(seoyeon: Any, taeho: Any) -> None:
    alert = alert_submit(alert=alert_create(data=draft(severity="Extreme"), by=seoyeon), by=seoyeon)

    rejected = alert_reject(alert=alert, by=taeho, reason="대상 동이 틀렸습니다")

    assert rejected.state == Alert.State.DRAFT
    assert AuditEvent.objects.get(action="safety.alert_rejected").detail == {"reason": "대상 동이 틀렸습니다"}


def test_only_the_safety_office_writes_alerts(junho: Any, district: Any) -> None:
    with pytest.raises(PermissionDenied):
        alert_create(data=draft(), by=junho)


def test_an_alert_needs_an_area(seoyeon: Any) -> None:
    with pytest.raises(AlertRefused):
        alert_create(data=draft(dongs=[]), by=seoyeon)


def test_an_update_references_the_alert_and_supersedes_it_when_published(seoyeon: Any) -> None:
    original = published(seoyeon)

    update = alert_update_draft(original=original, by=seoyeon)
    assert update.msg_type == "Update" and update.state == Alert.State.DRAFT
    assert update.references == [reference_of(original)]
    assert reference_of(original).endswith("+09:00")
    alert_submit(alert=update, by=seoyeon)

    original.refresh_from_db()
    assert original.state == Alert.State.SUPERSEDED
    assert list(original.superseded_by.all()) == [update]


def test_a_cancellation_is_published_at_once_and_ends_the_alert(seoyeon: Any) -> None:
    original = published(seoyeon)

    cancel = alert_cancel(original=original, by=seoyeon, note="비가 그쳤습니다.")

    original.refresh_from_db()
    assert original.state == Alert.State.CANCELLED
    assert cancel.msg_type == "Cancel" and cancel.state == Alert.State.PUBLISHED
    assert cancel.references == [reference_of(original)]
    assert cancel.headline_ko.startswith("[해제]")
    assert cancel.description_ko == "비가 그쳤습니다."
    assert ("safety.alert_cancelled", "seoyeon") in trail(original)


def test_a_cancelled_alert_cannot_be_cancelled_twice(seoyeon: Any) -> None:
    original = published(seoyeon)
    alert_cancel(original=original, by=seoyeon)

    with pytest.raises(AlertRefused):
        alert_cancel(original=original, by=seoyeon)


def test_publishing_enqueues_the_fan_out_with_the_alert(
    seoyeon: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks.signals import task_enqueued

    enqueued: list[Any] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        enqueued.append(task_result)

    task_enqueued.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            alert = published(seoyeon)
    finally:
        task_enqueued.disconnect(record)

    fan_outs = [r for r in enqueued if r.task.name == "fan_out_alert"]
    assert [r.kwargs for r in fan_outs] == [{"alert_id": alert.pk}]


# --- The screens ---------------------------------------------------------------------------------


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_screens_are_closed_to_other_staff(junho: Any) -> None:
    response = signed_in(junho).get("/admin/safety/alerts/")

    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_safety_officer_writes_and_publishes_an_alert_on_the_screens(seoyeon: Any) -> None:
    client = signed_in(seoyeon)
    dangsan1 = Dong.objects.get(code="dangsan1")

    assert client.get("/admin/safety/alerts/new/").status_code == 200
    response = client.post(
        "/admin/safety/alerts/new/",
        {
            "hazard": "flood",
            "severity": "Severe",
            "urgency": "Immediate",
            "certainty": "Observed",
            "headline_ko": "당산1동 호우경보",
            "headline_en": "Heavy rain warning",
            "headline_zh": "暴雨警报",
            "instruction_ko": "지하에서 나오세요.",
            "dongs": [dangsan1.pk],
            "areas": '[{"type": "circle", "lat": 37.524, "lon": 126.899, "radius_m": 400}]',
            "expires": "2099-07-15T18:00",
        },
    )
    alert = Alert.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/safety/alerts/{alert.pk}/")
    assert alert.areas == [{"type": "circle", "lat": 37.524, "lon": 126.899, "radius_m": 400.0}]
    assert client.get(f"/admin/safety/alerts/{alert.pk}/").status_code == 200

    client.post(f"/admin/safety/alerts/{alert.pk}/act/", {"action": "submit"})

    alert.refresh_from_db()
    assert alert.state == Alert.State.PUBLISHED


def test_a_drawn_area_that_is_not_a_shape_is_refused_and_nothing_is_saved(seoyeon: Any) -> None:
    response = signed_in(seoyeon).post(
        "/admin/safety/alerts/new/",
        {
            "hazard": "flood",
            "severity": "Severe",
            "urgency": "Immediate",
            "certainty": "Observed",
            "headline_ko": "호우경보",
            "areas": '[{"type": "circle", "lat": 37.5, "lon": 126.9, "radius_m": 900000}]',
        },
    )

    assert response.status_code == 200
    assert "지도에 그린 지역을 읽을 수 없습니다." in response.content.decode()
    assert not Alert.objects.exists()


def test_the_author_cannot_approve_on_the_screens_but_a_colleague_can(seoyeon: Any, taeho: Any) -> None:
    alert = alert_submit(alert=alert_create(data=draft(severity="Extreme"), by=seoyeon), by=seoyeon)

    page = signed_in(seoyeon).get(f"/admin/safety/alerts/{alert.pk}/").content.decode()
    assert 'value="approve"' not in page
    signed_in(seoyeon).post(f"/admin/safety/alerts/{alert.pk}/act/", {"action": "approve"})
    alert.refresh_from_db()
    assert alert.state == Alert.State.PENDING

    assert 'value="approve"' in signed_in(taeho).get(f"/admin/safety/alerts/{alert.pk}/").content.decode()
    signed_in(taeho).post(f"/admin/safety/alerts/{alert.pk}/act/", {"action": "approve"})
    alert.refresh_from_db()
    assert alert.state == Alert.State.PUBLISHED


def test_update_and_cancel_start_from_the_alert_page(seoyeon: Any) -> None:
    original = published(seoyeon)
    client = signed_in(seoyeon)

    response = client.post(f"/admin/safety/alerts/{original.pk}/act/", {"action": "update"})
    update = Alert.objects.get(msg_type="Update")
    assert response["Location"].endswith(f"/admin/safety/alerts/{update.pk}/edit/")

    client.post(f"/admin/safety/alerts/{original.pk}/act/", {"action": "cancel", "note": "해제"})
    original.refresh_from_db()
    assert original.state == Alert.State.CANCELLED
