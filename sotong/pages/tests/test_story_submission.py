"""Residents send a story or photo: consent required, photo checked, contact encrypted, rate limited; editors
approve (a draft story, never published directly) or reject with a reason."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from sotong.pages.models import StoryPage, StorySubmission
from sotong.pages.submissions import SUBMIT_LIMIT

pytestmark = pytest.mark.django_db
URL = "/stories/submit/"


def photo(name: str = "market.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "우리 골목 붕어빵 할머니",
        "text": "도림동 시장 입구에서 30년째 붕어빵을 굽는 할머니가 계십니다.",
        "dong": "dorim",
        "credit": "name",
        "credit_name": "김민지",
        "contact": "010-1234-5678",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_the_form_says_what_is_collected_and_for_how_long(site_pages: Any) -> None:
    page = Client().get(URL).text
    assert "수집하는 개인정보와 보관 기간" in page
    assert "받은 날부터 365일" in page
    assert 'name="consent"' in page


def test_without_consent_nothing_is_saved_and_the_resident_is_told_why(site_pages: Any) -> None:
    response = Client().post(URL, form(consent=""))
    assert response.status_code == 400
    assert "개인정보 수집·이용에 동의해야 이야기를 보낼 수 있습니다." in response.text
    assert not StorySubmission.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(site_pages: Any) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = Client().post(URL, form(photo=fake, photo_alt="시장 입구"))
    assert response.status_code == 400
    assert "사진 파일이 아닙니다." in response.text
    assert not StorySubmission.objects.exists()


def test_a_photo_needs_a_description(site_pages: Any) -> None:
    response = Client().post(URL, form(photo=photo()))
    assert response.status_code == 400
    assert "사진에 무엇이 보이는지 한 문장으로 적어 주세요." in response.text
    assert not StorySubmission.objects.exists()


def test_a_story_with_a_photo_is_stored_with_the_contact_encrypted(site_pages: Any) -> None:
    response = Client().post(URL, form(photo=photo(), photo_alt="붕어빵 틀 앞의 할머니"))
    assert response.status_code == 302
    assert response["Location"] == "/stories/submit/thanks/"
    submission = StorySubmission.objects.get()
    assert submission.contact == "010-1234-5678"
    assert submission.credit_line == "김민지"
    assert submission.photo.name.startswith("story-submissions/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM pages_storysubmission WHERE id = %s", [submission.pk])
        (stored,) = cursor.fetchone()
    assert "1234-5678" not in stored


def test_anonymous_credit_keeps_no_name(site_pages: Any) -> None:
    Client().post(URL, form(credit="anonymous", credit_name="김민지"))
    submission = StorySubmission.objects.get()
    assert submission.anonymous and submission.credit_name == "" and submission.credit_line == "익명"


def test_a_named_credit_needs_a_name(site_pages: Any) -> None:
    response = Client().post(URL, form(credit_name=""))
    assert response.status_code == 400
    assert "실을 이름을 적거나" in response.text


def test_sending_too_often_is_refused_and_saves_nothing_more(site_pages: Any) -> None:
    client = Client()
    for _ in range(SUBMIT_LIMIT.count):
        assert client.post(URL, form()).status_code == 302
    response = client.post(URL, form())
    assert response.status_code == 429
    assert "잠시 뒤에 다시 보내 주세요." in response.text
    assert StorySubmission.objects.count() == SUBMIT_LIMIT.count


@pytest.fixture
def editor(site_pages: Any) -> Client:
    user = get_user_model().objects.create_user(
        username="hanpyeon", password="correct horse 42", display_name="한편집"
    )
    user.groups.add(Group.objects.get(name="편집자"))
    client = Client()
    client.force_login(user)
    return client


def test_approving_makes_a_draft_story_for_the_editor(editor: Client) -> None:
    Client().post(URL, form(photo=photo(), photo_alt="붕어빵 틀 앞의 할머니"))
    submission = StorySubmission.objects.get()
    listing = editor.get(reverse("pages_admin_submissions"))
    assert "우리 골목 붕어빵 할머니" in listing.content.decode()
    response = editor.post(reverse("pages_admin_submission_approve", args=[submission.pk]))
    assert response.status_code == 302
    story = StoryPage.objects.get(title="우리 골목 붕어빵 할머니")
    assert not story.live
    assert story.hero_alt == "붕어빵 틀 앞의 할머니" and story.hero_image is not None
    assert story.credit == "김민지"
    submission.refresh_from_db()
    assert submission.status == "approved" and submission.story == story


def test_rejecting_needs_a_reason(editor: Client) -> None:
    Client().post(URL, form())
    submission = StorySubmission.objects.get()
    editor.post(reverse("pages_admin_submission_reject", args=[submission.pk]), {"reason": " "})
    submission.refresh_from_db()
    assert submission.status == "new"
    editor.post(
        reverse("pages_admin_submission_reject", args=[submission.pk]), {"reason": "이미 실린 이야기입니다."}
    )
    submission.refresh_from_db()
    assert submission.status == "rejected" and submission.reject_reason == "이미 실린 이야기입니다."


def test_residents_and_staff_without_the_permission_cannot_see_submissions(
    site_pages: Any, junho: Any
) -> None:
    client = Client()
    client.force_login(junho)
    assert client.get(reverse("pages_admin_submissions")).status_code in (302, 403)
