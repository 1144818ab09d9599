from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sotong.core.models import AuditEvent
from sotong.organisation.models import Department

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_denied(response: Any) -> None:
    """Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard and a message."""
    assert response.status_code in {302, 403}, response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


def test_an_officer_sees_their_own_department(junho: Any) -> None:
    response = signed_in(junho).get("/admin/departments/roads/")
    assert response.status_code == 200
    assert "도로과" in response.text
    assert "박준호" in response.text  # the roster, visible to staff


def test_an_officer_cannot_see_another_departments_page(sora: Any, junho: Any) -> None:
    client = signed_in(sora)
    response = client.get("/admin/departments/roads/")
    assert_denied(response)
    dashboard = client.get("/admin/departments/roads/", follow=True)
    assert "권한" in dashboard.text
    assert "박준호" not in dashboard.text


def test_an_officer_is_taken_to_their_department(junho: Any) -> None:
    response = signed_in(junho).get("/admin/my-department/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/departments/roads/"


def test_the_department_list_shows_only_the_officers_department(junho: Any) -> None:
    response = signed_in(junho).get("/admin/departments/")
    assert response.status_code == 200
    assert "/admin/departments/roads/" in response.text
    assert "/admin/departments/welfare/" not in response.text


def test_the_comms_team_sees_every_department(haneul: Any) -> None:
    client = signed_in(haneul)
    assert client.get("/admin/departments/roads/").status_code == 200
    assert client.get("/admin/departments/welfare/").status_code == 200
    listing = client.get("/admin/departments/")
    assert listing.text.count("/admin/departments/") >= Department.objects.count()


def test_the_department_lead_sees_the_department(doyun: Any) -> None:
    assert signed_in(doyun).get("/admin/departments/roads/").status_code == 200
    assert_denied(signed_in(doyun).get("/admin/departments/parking/"))


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(district: Any) -> None:
    response = Client().get("/admin/departments/roads/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_a_role_cannot_enter_the_back_office(district: Any) -> None:
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(username="nobody", password="correct horse 42")
    response = signed_in(nobody).get("/admin/departments/roads/")
    assert response.status_code in {302, 403}


def test_an_officer_edits_their_departments_directory_entry(junho: Any) -> None:
    roads = Department.objects.get(code="roads")
    client = signed_in(junho)
    url = f"/admin/snippets/organisation/department/edit/{roads.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "name_ko": roads.name_ko,
            "name_en": roads.name_en,
            "name_zh": roads.name_zh,
            "bureau": roads.bureau_id,
            "handles_ko": roads.handles_ko + ", 보도블록 파손",
            "handles_en": roads.handles_en,
            "handles_zh": roads.handles_zh,
            "phone": "02-2670-3456",
            "email": "",
            "is_active": "on",
            **duty_hours_form(roads, saturday=True),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    roads.refresh_from_db()
    assert roads.handles_ko.endswith("보도블록 파손")
    assert roads.phone == "02-2670-3456"
    assert sorted(roads.duty_hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4, 5]


def duty_hours_form(department: Department, *, saturday: bool = False) -> dict[str, Any]:
    """The inline duty-hours formset as the edit form posts it, optionally adding Saturday morning."""
    rows = list(department.duty_hours.order_by("weekday"))
    data: dict[str, Any] = {
        "duty_hours-TOTAL_FORMS": len(rows) + saturday,
        "duty_hours-INITIAL_FORMS": len(rows),
        "duty_hours-MIN_NUM_FORMS": 0,
        "duty_hours-MAX_NUM_FORMS": 7,
    }
    for i, hours in enumerate(rows):
        data |= {
            f"duty_hours-{i}-id": hours.pk,
            f"duty_hours-{i}-weekday": hours.weekday,
            f"duty_hours-{i}-opens": f"{hours.opens:%H:%M}",
            f"duty_hours-{i}-closes": f"{hours.closes:%H:%M}",
        }
    if saturday:
        i = len(rows)
        data |= {
            f"duty_hours-{i}-weekday": 5,
            f"duty_hours-{i}-opens": "09:00",
            f"duty_hours-{i}-closes": "13:00",
        }
    return data


def test_an_officer_cannot_edit_another_departments_entry(sora: Any) -> None:
    roads = Department.objects.get(code="roads")
    client = signed_in(sora)
    url = f"/admin/snippets/organisation/department/edit/{roads.pk}/"
    assert_denied(client.get(url))
    assert_denied(client.post(url, {"name_ko": "바뀐 이름", "bureau": roads.bureau_id, "handles_ko": "x"}))
    roads.refresh_from_db()
    assert roads.name_ko == "도로과"


def test_the_snippet_listing_shows_only_editable_departments(sora: Any) -> None:
    response = signed_in(sora).get("/admin/snippets/organisation/department/")
    assert response.status_code == 200
    assert "복지정책과" in response.text
    assert "도로과" not in response.text


def test_granting_a_role_is_audited(junho: Any) -> None:
    event = AuditEvent.objects.filter(action="membership.grant", detail__user="junho").get()
    assert event.detail["department"] == "roads"
    assert event.detail["role"] == "officer"
