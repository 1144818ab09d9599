"""The back office's action-guide screens: the safety office edits, an ordinary officer is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from sotong.organisation.services import membership_grant
from sotong.safety.guides_loading import is_edited, load_guides
from sotong.safety.models import ActionGuide

pytestmark = pytest.mark.django_db


@pytest.fixture
def mirae(district: Any) -> Any:
    """The safety office (안전총괄): keeps the action guides."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username="mirae", password="correct horse 42", display_name="한미래"
    )
    membership_grant(user=user, role="safety_office", department=None)
    return user


@pytest.fixture
def guides(district: Any) -> None:
    load_guides()


def _edit_url(guide: ActionGuide) -> str:
    return reverse("wagtailsnippets_safety_actionguide:edit", args=[guide.pk])


def _form(guide: ActionGuide, **changes: str) -> dict[str, Any]:
    steps = list(guide.steps.order_by("sort_order"))
    data = {
        "hazard": guide.hazard,
        "title_ko": guide.title_ko,
        "title_en": guide.title_en,
        "title_zh": guide.title_zh,
        "summary_ko": guide.summary_ko,
        "summary_en": guide.summary_en,
        "summary_zh": guide.summary_zh,
        "source": guide.source,
        "sort_order": str(guide.sort_order),
        "steps": inline_formset(
            [
                {
                    "id": str(step.pk),
                    "phase": step.phase,
                    "audience": step.audience,
                    "text_ko": step.text_ko,
                    "text_en": step.text_en,
                    "text_zh": step.text_zh,
                    "ORDER": str(order),
                }
                for order, step in enumerate(steps, start=1)
            ],
            initial=len(steps),
            min=1,
        ),
    }
    data.update(changes)
    return nested_form_data(data)


def test_an_ordinary_officer_neither_sees_nor_edits_the_guides(
    client: Client, junho: Any, guides: None
) -> None:
    client.force_login(junho)
    guide = ActionGuide.objects.get(hazard="flood")

    home = client.get(reverse("wagtailadmin_home"))
    assert reverse("wagtailsnippets_safety_actionguide:list") not in home.content.decode()
    listing = client.get(reverse("wagtailsnippets_safety_actionguide:list"))
    assert listing.status_code in (302, 403)
    assert client.get(_edit_url(guide)).status_code in (302, 403)
    response = client.post(_edit_url(guide), _form(guide, title_ko="바뀐 제목"))

    assert response.status_code in (302, 403)
    guide.refresh_from_db()
    assert guide.title_ko == "호우·침수 행동요령"


def test_the_safety_office_edits_a_guide_and_its_steps(client: Client, mirae: Any, guides: None) -> None:
    client.force_login(mirae)
    guide = ActionGuide.objects.get(hazard="flood")
    assert client.get(reverse("wagtailsnippets_safety_actionguide:list")).status_code == 200
    page = client.get(_edit_url(guide))
    assert page.status_code == 200 and "반지하" in page.content.decode()
    data = _form(guide, summary_ko="비가 많이 오면 반지하에서 바로 나옵니다.")
    data["steps-0-text_ko"] = "영등포구 재난문자와 구청 안내를 자주 확인합니다."

    response = client.post(_edit_url(guide), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    guide.refresh_from_db()
    assert guide.summary_ko == "비가 많이 오면 반지하에서 바로 나옵니다."
    first = guide.steps.order_by("sort_order").first()
    assert first is not None and first.text_ko.startswith("영등포구 재난문자")
    assert guide.steps.count() == 14
    assert is_edited(guide)
    # A reload keeps what the safety office wrote.
    assert load_guides() == 0
    guide.refresh_from_db()
    assert guide.summary_ko == "비가 많이 오면 반지하에서 바로 나옵니다."


def test_a_guide_without_a_korean_step_text_is_refused(client: Client, mirae: Any, guides: None) -> None:
    client.force_login(mirae)
    guide = ActionGuide.objects.get(hazard="heat")
    data = _form(guide)
    data["steps-0-text_ko"] = ""

    response = client.post(_edit_url(guide), data)

    assert response.status_code == 200
    guide.refresh_from_db()
    assert not is_edited(guide)


def test_saving_a_guide_unchanged_keeps_it_as_loaded(client: Client, mirae: Any, guides: None) -> None:
    client.force_login(mirae)
    guide = ActionGuide.objects.get(hazard="earthquake")
    page = client.get(_edit_url(guide)).content.decode()
    # The editor lists the steps before → during → after, as residents read them.
    assert page.index("무거운 가구") < page.index("튼튼한 탁자") < page.index("가스와 전기를 차단하고")

    assert client.post(_edit_url(guide), _form(guide)).status_code == 302

    guide.refresh_from_db()
    assert not is_edited(guide)
