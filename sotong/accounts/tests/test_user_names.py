"""Staff are shown by the name colleagues know, in the back office's sidebar and wherever Wagtail names a user."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_display_name_is_the_full_and_short_name(junho: Any) -> None:
    assert junho.get_full_name() == "박준호"
    assert junho.get_short_name() == "박준호"
    assert str(junho) == "박준호"


def test_without_a_display_name_django_s_names_and_then_the_username_serve(junho: Any) -> None:
    junho.display_name = junho.first_name = ""
    assert str(junho) == "junho"
    junho.first_name, junho.last_name = "준호", "박"
    assert junho.get_full_name() == "준호 박"


def test_the_back_office_sidebar_names_the_officer(junho: Any) -> None:
    client = Client()
    client.force_login(junho)
    page = client.get("/admin/").text
    assert '"name": "\\ubc15\\uc900\\ud638"' in page or '"name": "박준호"' in page
    assert '"name": "junho"' not in page
