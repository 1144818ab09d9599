from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.django_db
def test_resident_pages_get_the_strict_content_security_policy(client: Any, site_pages: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_the_back_office_gets_the_admin_policy(client: Any) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_forms_carry_a_csrf_token(client: Any) -> None:
    response = client.get("/admin/login/")
    assert 'name="csrfmiddlewaretoken"' in response.text
