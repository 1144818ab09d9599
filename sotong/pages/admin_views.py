"""Back office: residents' story submissions, approved into a draft story or rejected with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from sotong.core.audit import audit_record
from sotong.pages.models import StoryIndexPage, StorySubmission, StorySubmissionStatus
from sotong.pages.submissions import story_submission_approve, story_submission_reject


def _check(request: HttpRequest, codename: str) -> None:
    if not request.user.has_perm(f"pages.{codename}_storysubmission"):
        raise PermissionDenied


def submission_list(request: HttpRequest) -> HttpResponse:
    _check(request, "view")
    status = request.GET.get("status", StorySubmissionStatus.NEW)
    if status not in StorySubmissionStatus.values:
        status = StorySubmissionStatus.NEW
    submissions = StorySubmission.objects.filter(status=status).select_related("dong", "story")[:200]
    return TemplateResponse(
        request,
        "pages/admin/submissions.html",
        {
            "submissions": submissions,
            "status": status,
            "statuses": StorySubmissionStatus.choices,
            "header_title": gettext("주민 이야기 제보"),
        },
    )


def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request, "view")
    submission = get_object_or_404(StorySubmission.objects.select_related("dong", "story"), pk=pk)
    if submission.contact:
        # Who read a resident's contact details is recorded (DESIGN: every view of personal data).
        audit_record(action="pages.submission.contact_viewed", target=submission, request=request)
    return TemplateResponse(
        request,
        "pages/admin/submission.html",
        {"submission": submission, "header_title": submission.title},
    )


def submission_photo(request: HttpRequest, pk: int) -> FileResponse:
    _check(request, "view")
    submission = get_object_or_404(StorySubmission, pk=pk)
    if not submission.photo:
        raise Http404
    return FileResponse(submission.photo.open("rb"), content_type="image/jpeg")


@require_POST
def submission_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request, "change")
    submission = get_object_or_404(StorySubmission, pk=pk)
    index = StoryIndexPage.objects.filter(locale__language_code=submission.locale_code).first()
    index = index or StoryIndexPage.objects.first()
    if index is None:
        messages.error(request, gettext("행복공감 목록 페이지가 없습니다."))
        return redirect("pages_admin_submission", pk=pk)
    try:
        story = story_submission_approve(submission=submission, index=index, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pages_admin_submission", pk=pk)
    audit_record(action="pages.submission.approved", target=submission, request=request)
    messages.success(request, gettext("초안 이야기를 만들었습니다. 다듬은 뒤 팀장 검토를 요청하세요."))
    return redirect(reverse("wagtailadmin_pages:edit", args=[story.pk]))


@require_POST
def submission_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request, "change")
    submission = get_object_or_404(StorySubmission, pk=pk)
    try:
        story_submission_reject(submission=submission, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pages_admin_submission", pk=pk)
    audit_record(action="pages.submission.rejected", target=submission, request=request)
    messages.success(request, gettext("제보를 반려했습니다."))
    return redirect("pages_admin_submissions")
