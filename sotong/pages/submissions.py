"""Residents send a story or a photo for 행복공감; editors approve it (a draft story) or reject it with a reason."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sotong.core.ratelimit import Limit, allow
from sotong.organisation.models import Dong
from sotong.pages.models import StoryIndexPage, StoryPage, StorySubmission, StorySubmissionStatus

SUBMIT_LIMIT = Limit("pages.story_submit", count=5, seconds=3600)
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# What the consent covers, shown beside the checkbox and kept in the decision record (0081).
RETENTION_DAYS = 365


def clean_story_photo(upload: Any) -> ContentFile[bytes]:
    """The photo re-encoded as JPEG without metadata, or a ValidationError the resident can act on.
    The type is read from the content, never from the file name."""
    if getattr(upload, "size", 0) > MAX_PHOTO_BYTES:
        raise ValidationError(_("사진은 8MB까지 올릴 수 있습니다."))
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(_("사진은 8MB까지 올릴 수 있습니다."))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(_("사진 파일이 아닙니다. JPEG, PNG, WebP 사진을 올려 주세요.")) from exc
    if kind not in ACCEPTED_FORMATS:
        raise ValidationError(_("사진 파일이 아닙니다. JPEG, PNG, WebP 사진을 올려 주세요."))
    picture = ImageOps.exif_transpose(image).convert("RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)  # saved without EXIF: no location, no camera
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


class StorySubmissionForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=120)
    text = forms.CharField(
        label=_("이야기"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("우리 동네 사람과 장소에 관한 이야기를 들려주세요. 5,000자까지 쓸 수 있습니다."),
    )
    dong = forms.ModelChoiceField(
        label=_("행정동"),
        queryset=Dong.objects.order_by("sort_order", "name_ko"),
        required=False,
        to_field_name="code",
    )
    photo = forms.FileField(
        label=_("사진 (선택)"),
        required=False,
        help_text=_("JPEG, PNG, WebP, 8MB까지. 위치 정보 등 사진 속 메타데이터는 지우고 보관합니다."),
    )
    photo_alt = forms.CharField(
        label=_("사진 설명"),
        max_length=250,
        required=False,
        help_text=_("사진을 올리면, 사진에 무엇이 보이는지 한 문장으로 적어 주세요."),
    )
    credit = forms.ChoiceField(
        label=_("이야기가 실리면 표시할 이름"),
        choices=[("name", _("이름을 밝힙니다")), ("anonymous", _("익명으로 싣습니다"))],
        widget=forms.RadioSelect,
        initial="name",
    )
    credit_name = forms.CharField(label=_("이름"), max_length=40, required=False)
    contact = forms.CharField(
        label=_("연락처 (선택)"),
        max_length=100,
        required=False,
        help_text=_("전화번호나 이메일. 이야기를 다듬을 때 편집자가 연락드리는 데만 씁니다."),
    )
    consent = forms.BooleanField(
        label=_("개인정보 수집·이용에 동의합니다"),
        required=True,
        error_messages={
            "required": _(
                "개인정보 수집·이용에 동의해야 이야기를 보낼 수 있습니다. 동의하지 않으면 아무것도 저장되지 않습니다."
            )
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in {"consent", "credit"}:
                continue
            field.widget.attrs.setdefault("class", "krds-input")
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"

    def clean_photo(self) -> ContentFile[bytes] | None:
        upload = self.cleaned_data.get("photo")
        return clean_story_photo(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("photo") and not (cleaned.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("사진에 무엇이 보이는지 한 문장으로 적어 주세요."))
        if cleaned.get("credit") == "name" and not (cleaned.get("credit_name") or "").strip():
            self.add_error("credit_name", _("실을 이름을 적거나 '익명으로 싣습니다'를 고르세요."))
        return cleaned


@transaction.atomic
def story_submission_create(*, data: dict[str, Any], locale_code: str) -> StorySubmission:
    submission = StorySubmission(
        locale_code=locale_code,
        title=data["title"],
        text=data["text"],
        dong=data.get("dong"),
        photo_alt=data.get("photo_alt", ""),
        anonymous=data["credit"] == "anonymous",
        credit_name="" if data["credit"] == "anonymous" else data.get("credit_name", ""),
        contact=data.get("contact", ""),
        consent_at=timezone.now(),
    )
    if data.get("photo"):
        submission.photo.save(data["photo"].name, data["photo"], save=False)
    submission.full_clean(exclude=["photo"])
    submission.save()
    return submission


@transaction.atomic
def story_submission_approve(*, submission: StorySubmission, index: StoryIndexPage, by: Any) -> StoryPage:
    """A draft story for the editor from what the resident sent (never published here: it goes through review)."""
    from wagtail.images import get_image_model

    if submission.status != StorySubmissionStatus.NEW:
        raise ValidationError(gettext("이미 처리한 제보입니다."))
    hero = None
    if submission.photo:
        submission.photo.open("rb")
        hero = get_image_model()(
            title=submission.title[:255], file=ContentFile(submission.photo.read(), "story.jpg")
        )
        submission.photo.close()
        hero.save()
    paragraphs = [p.strip() for p in submission.text.split("\n\n") if p.strip()] or [submission.text]
    from django.utils.html import escape

    story = StoryPage(
        title=submission.title,
        month=timezone.localdate().replace(day=1),
        topic="neighbours",
        dong=submission.dong,
        summary=paragraphs[0][:400],
        hero_image=hero,
        hero_alt=submission.photo_alt,
        credit=submission.credit_line if not submission.anonymous else "",
        body=json.dumps([{"type": "paragraph", "value": f"<p>{escape(p)}</p>"} for p in paragraphs]),
        live=False,
        owner=by,
    )
    index.add_child(instance=story)
    story.save_revision(user=by)
    submission.status = StorySubmissionStatus.APPROVED
    submission.story = story
    submission.decided_at = timezone.now()
    submission.save(update_fields=["status", "story", "decided_at"])
    return story


@transaction.atomic
def story_submission_reject(*, submission: StorySubmission, reason: str) -> StorySubmission:
    reason = reason.strip()
    if not reason:
        raise ValidationError(gettext("반려 사유를 적어 주세요."))
    if submission.status != StorySubmissionStatus.NEW:
        raise ValidationError(gettext("이미 처리한 제보입니다."))
    submission.status = StorySubmissionStatus.REJECTED
    submission.reject_reason = reason[:300]
    submission.decided_at = timezone.now()
    submission.save(update_fields=["status", "reject_reason", "decided_at"])
    return submission


def submit_view(index: StoryIndexPage, request: HttpRequest) -> HttpResponse:
    context = index.get_context(request)
    context["retention_days"] = RETENTION_DAYS
    context["dongs"] = list(Dong.objects.order_by("sort_order", "name_ko"))
    if request.method == "POST":
        form = StorySubmissionForm(request.POST, request.FILES)
        if not allow(request, SUBMIT_LIMIT):
            form.is_valid()
            form.add_error(
                None, gettext("잠시 뒤에 다시 보내 주세요. 한 시간에 보낼 수 있는 횟수를 넘었습니다.")
            )
            context["form"] = form
            return TemplateResponse(request, "pages/story_submit.html", context, status=429)
        if form.is_valid():
            story_submission_create(data=form.cleaned_data, locale_code=index.locale.language_code)
            return HttpResponseRedirect(str(index.url) + index.reverse_subpage("submit_thanks"))
        context["form"] = form
        return TemplateResponse(request, "pages/story_submit.html", context, status=400)
    context["form"] = StorySubmissionForm()
    return TemplateResponse(request, "pages/story_submit.html", context)
