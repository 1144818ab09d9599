from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sotong.core.models import Notification
from sotong.core.notifications import notify_staff

pytestmark = pytest.mark.django_db


def test_a_staff_member_sees_and_opens_their_notifications(junho: Any, sora: Any) -> None:
    mine = notify_staff(user=junho, title="긴급 민원 2026-000001", url="/admin/voice/", level="urgent")
    notify_staff(user=sora, title="소라에게만")
    client = Client()
    client.force_login(junho)
    page = client.get("/admin/notifications/")
    assert "긴급 민원 2026-000001" in page.text
    assert "소라에게만" not in page.text
    assert "\\uc54c\\ub9bc (1)" in client.get("/admin/").text or "알림 (1)" in client.get("/admin/").text
    opened = client.post(f"/admin/notifications/{mine.pk}/open/")
    assert opened["Location"] == "/admin/voice/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_nobody_opens_someone_elses_notification(junho: Any, sora: Any) -> None:
    theirs = notify_staff(user=sora, title="소라에게만", url="/admin/")
    client = Client()
    client.force_login(junho)
    client.post(f"/admin/notifications/{theirs.pk}/open/")
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_an_outside_url_is_never_followed(junho: Any) -> None:
    notification = notify_staff(user=junho, title="x", url="https://evil.example/")
    client = Client()
    client.force_login(junho)
    response = client.post(f"/admin/notifications/{notification.pk}/open/")
    assert response["Location"] == "/admin/notifications/"
