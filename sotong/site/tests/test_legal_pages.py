"""개인정보처리방침 and 이용약관: real text in Korean, English and Chinese, with the district's own contacts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "lang", "title", "officer_department"),
    [
        ("/", "ko", "개인정보처리방침", "스마트정보과"),
        ("/en/", "en", "Privacy Policy", "Smart Information Division"),
        ("/zh-hans/", "zh-Hans", "个人信息处理方针", "智慧信息科"),
    ],
)
def test_the_privacy_policy_is_written_in_the_readers_language_with_the_districts_privacy_office(
    site_pages: Any, prefix: str, lang: str, title: str, officer_department: str
) -> None:
    response = Client().get(prefix + "privacy/")

    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    assert f'<h1 class="page-title">{title}</h1>' in html
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert officer_department in main
    assert "02-2670-3180" in main
    assert "it@ydp.example" in main


@pytest.mark.parametrize(
    ("prefix", "phrases"),
    [
        (
            "/",
            [
                "암호화하여 저장",
                "대화명",
                "푸시 구독 정보",
                "키 해시",
                "기기에만 저장",
                "제35조",
                "1833-6972",
            ],
        ),
        (
            "/en/",
            [
                "stored encrypted",
                "nickname",
                "push subscription",
                "keyed digest",
                "stay on your device",
                "Articles 35 to 37",
                "1833-6972",
            ],
        ),
        (
            "/zh-hans/",
            ["加密保存", "昵称", "推送订阅信息", "摘要值", "只保存在您的设备上", "第35条", "1833-6972"],
        ),
    ],
)
def test_the_privacy_policy_names_what_each_feature_collects_and_the_residents_rights(
    site_pages: Any, prefix: str, phrases: list[str]
) -> None:
    html = Client().get(prefix + "privacy/").text

    for phrase in phrases:
        assert phrase in html, phrase


@pytest.mark.parametrize(
    ("prefix", "title", "emergency"),
    [
        ("/", "이용약관", "119(화재·구조·구급)"),
        ("/en/", "Terms of Use", "119 (fire, rescue, ambulance)"),
        ("/zh-hans/", "使用条款", "119（火灾、救援、急救）"),
    ],
)
def test_the_terms_of_use_render_in_every_language_and_link_the_privacy_policy(
    site_pages: Any, prefix: str, title: str, emergency: str
) -> None:
    response = Client().get(prefix + "terms/")

    assert response.status_code == 200
    main = response.text.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert f'<h1 class="page-title">{title}</h1>' in main
    assert emergency in main
    assert f'href="{prefix}privacy/"><strong>' in main


def test_without_the_web_services_department_the_policy_names_the_office_in_general_terms(
    site_pages: Any,
) -> None:
    from sotong.organisation.models import Department

    Department.objects.filter(code="it").update(is_active=False)

    response = Client().get("/privacy/")

    assert response.status_code == 200
    assert "영등포구 개인정보 보호 담당 부서장" in response.text
    assert "02-2670-3180" not in response.text
