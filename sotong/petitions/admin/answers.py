"""Answering proposals in the back office: each officer sees their department's proposals (the mayor's office
and administrators every department's), posts the interim notice and the final answer linked to what was done.
The same proposals also reach the department's voice inbox as cases (channel "proposal")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from sotong.accounts.models import staff_member
from sotong.petitions import selectors
from sotong.petitions.choices import Stage
from sotong.petitions.models import Comment
from sotong.petitions.services import Refused
from sotong.petitions.services.comments import comment_moderate
from sotong.petitions.services.stages import proposal_answer, proposal_interim


def _officer(request: HttpRequest) -> Any:
    user = staff_member(request)
    if not selectors.answerable_departments(user).exists():
        raise PermissionDenied
    return user


def index(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    rows = selectors.proposals_for_officer(user=user)
    return TemplateResponse(
        request,
        "petitions/admin/index.html",
        {
            "page_title": _("주민 제안 답변"),
            "header_icon": "comment",
            "review": list(rows.filter(stage=Stage.REVIEW).order_by("answer_due")),
            "collecting": list(rows.filter(stage=Stage.COLLECTING).order_by("-support_count")[:50]),
            "answered": list(rows.filter(stage=Stage.ANSWERED).order_by("-answered_at")[:20]),
        },
    )


def _mine(request: HttpRequest, pk: int) -> tuple[Any, Any]:
    user = _officer(request)
    proposal = selectors.proposals_for_officer(user=user).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return user, proposal


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _user, proposal = _mine(request, pk)
    return TemplateResponse(
        request,
        "petitions/admin/detail.html",
        {
            "page_title": proposal.title,
            "header_icon": "comment",
            "proposal": proposal,
            "events": proposal.events.all(),
        },
    )


@require_POST
def interim(request: HttpRequest, pk: int) -> HttpResponse:
    user, proposal = _mine(request, pk)
    try:
        proposal_interim(proposal=proposal, text=request.POST.get("text", ""), by=user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("중간 안내를 게시했습니다. 공감한 주민에게 알립니다."))
    return redirect("petitions_admin:detail", pk=pk)


@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    user, proposal = _mine(request, pk)
    try:
        proposal_answer(
            proposal=proposal,
            text=request.POST.get("text", ""),
            outcome_text=request.POST.get("outcome_text", ""),
            outcome_url=request.POST.get("outcome_url", ""),
            by=user,
        )
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("답변을 게시했습니다. 공감한 주민에게 알립니다."))
    return redirect("petitions_admin:detail", pk=pk)


def _moderator(request: HttpRequest) -> Any:
    user = staff_member(request)
    if not selectors.answers_everything(user):
        raise PermissionDenied
    return user


def moderation(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    return TemplateResponse(
        request,
        "petitions/admin/moderation.html",
        {
            "page_title": _("제안 댓글 관리"),
            "header_icon": "comment",
            "comments": list(selectors.moderation_queue()[:200]),
        },
    )


@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _moderator(request)
    item = Comment.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    try:
        comment_moderate(comment=item, action=request.POST.get("action", ""), by=user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("처리했습니다."))
    return redirect("petitions_admin:moderation")


app_name = "petitions_admin"
urlpatterns = [
    path("", index, name="index"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/interim/", interim, name="interim"),
    path("<int:pk>/answer/", answer, name="answer"),
    path("comments/", moderation, name="moderation"),
    path("comments/<int:pk>/", moderate, name="moderate"),
]


@hooks.register("register_admin_urls")
def register_petitions_admin_urls() -> list[Any]:
    return [path("petitions/", include((urlpatterns, app_name), namespace=app_name))]


class AnswerMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(selectors.answerable_departments(request.user).exists())


class ModerationMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return selectors.answers_everything(request.user)


@hooks.register("register_admin_menu_item")
def register_answer_menu_item() -> MenuItem:
    return AnswerMenuItem(
        gettext_lazy("주민 제안 답변"), reverse("petitions_admin:index"), icon_name="comment", order=160
    )


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item() -> MenuItem:
    return ModerationMenuItem(
        gettext_lazy("제안 댓글 관리"), reverse("petitions_admin:moderation"), icon_name="comment", order=161
    )
