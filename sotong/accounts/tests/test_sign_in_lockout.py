from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def attempt(client: Client, password: str) -> Any:
    return client.post(
        "/admin/login/", {"username": "junho", "password": password}, REMOTE_ADDR="203.0.113.7"
    )


def test_the_right_password_signs_in(junho: Any) -> None:
    response = attempt(Client(), "correct horse 42")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(junho: Any) -> None:
    client = Client()
    for _ in range(4):
        response = attempt(client, "wrong password")
        assert response.status_code == 200  # the form again, with an error
    locked = attempt(client, "wrong password")
    assert locked.status_code == 429
    assert "로그인이 잠겼습니다" in locked.content.decode()
    assert "15분" in locked.content.decode()
    after = attempt(client, "correct horse 42")
    assert after.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(junho: Any) -> None:
    client = Client()
    for _ in range(3):
        attempt(client, "wrong password")
    assert attempt(client, "correct horse 42").status_code == 302
    other = Client()
    for _ in range(3):
        assert attempt(other, "wrong password").status_code == 200
