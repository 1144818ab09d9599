"""A department's page: its phone and e-mail, and a link to the resident form that names the department."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from sotong.organisation.models import Department
from sotong.voice.models import Case

pytestmark = pytest.mark.django_db


def test_every_department_of_the_sample_district_has_a_phone_and_an_email(site_pages: Any) -> None:
    missing = list(Department.objects.filter(is_active=True, phone="").values_list("code", flat=True))
    missing += list(Department.objects.filter(is_active=True, email="").values_list("code", flat=True))
    assert missing == []


@pytest.mark.parametrize(
    ("prefix", "send"), [("/", "이 부서에 민원 보내기"), ("/en/", "Send a request to this department")]
)
def test_the_department_page_shows_its_phone_email_and_a_link_to_write_to_it(
    site_pages: Any, prefix: str, send: str
) -> None:
    roads = Department.objects.get(code="roads")
    page = Client().get(f"{prefix}departments/roads/").content.decode()
    assert f'href="tel:{roads.phone.replace("-", "")}"' in page and roads.phone in page
    assert f'href="mailto:{roads.email}"' in page
    link = re.search(rf'<a class="button" href="([^"]+)">{send}</a>', page)
    assert link, page[page.index("<main") :][:3000]
    assert link.group(1) == f"{prefix}voice/?department=roads"


def test_the_form_from_a_department_with_one_category_has_it_chosen(site_pages: Any) -> None:
    page = Client().get("/voice/", {"department": "parking"}).content.decode()
    assert "주차관리과에 보내는 민원" in page
    assert re.search(r'<option value="illegal_parking" selected>', page)
    assert 'name="department" value="parking"' in page


def test_the_form_from_a_department_with_several_categories_offers_only_those(site_pages: Any) -> None:
    page = Client().get("/voice/", {"department": "roads"}).content.decode()
    select = page[page.index('id="id_category"') : page.index("</select>", page.index('id="id_category"'))]
    values = [v for v in re.findall(r'<option value="([^"]*)"', select) if v]
    assert values == ["road_damage", "streetlight", "snow_ice"]
    # The category must be chosen: its label no longer says it may be left blank.
    assert '<label for="id_category">분야 <span class="required"' in page
    assert "모르면 비워 두세요" not in page


def test_a_case_sent_from_a_department_page_reaches_that_department(site_pages: Any, junho: Any) -> None:
    from sotong.voice.services.routing import case_route
    from sotong.voice.tests.test_web_intake_flow import form_data

    response = Client().post(
        "/voice/",
        form_data(category="streetlight", department="roads", text="우리 집 앞 골목이 밤에 너무 어두워요."),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = case_route(case=Case.objects.get())
    assert case.department is not None and case.department.code == "roads"


def test_a_department_form_needs_one_of_its_categories(site_pages: Any) -> None:
    from sotong.voice.tests.test_web_intake_flow import form_data

    response = Client().post("/voice/", form_data(category="illegal_parking", department="roads"))
    assert response.status_code == 200
    assert Case.objects.count() == 0
    response = Client().post("/voice/", form_data(category="", department="roads"))
    assert response.status_code == 200
    assert Case.objects.count() == 0


def test_a_department_without_its_own_category_receives_the_case_itself(site_pages: Any) -> None:
    page = Client().get("/voice/", {"department": "welfare"}).content.decode()
    assert "복지정책과에 보내는 민원" in page
    assert "이 부서로 바로 접수됩니다." in page


@pytest.mark.parametrize("code", ["no-such-department", "<script>", "x" * 200])
def test_an_unknown_department_is_ignored(site_pages: Any, code: str) -> None:
    response = Client().get("/voice/", {"department": code})
    assert response.status_code == 200
    assert "에 보내는 민원" not in response.content.decode()
    assert 'name="department" value=' not in response.content.decode()
