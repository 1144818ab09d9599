"""Resident pages of the proposals: list, detail (stage, deadlines, answer, comments), proposing with
similar proposals shown first, supporting, commenting and reporting a comment. Reading needs no account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sotong.core.crypto import digest
from sotong.core.ratelimit import Limit, allow, client_address
from sotong.petitions import identity, selectors
from sotong.petitions.choices import NotifyChannel, Stage, Topic
from sotong.petitions.forms import CommentForm, ProposalForm, SupportForm
from sotong.petitions.models import Comment, Proposal
from sotong.petitions.services import Refused
from sotong.petitions.services.comments import comment_add, comment_report
from sotong.petitions.services.proposals import proposal_create
from sotong.petitions.services.supports import support_add

DRAFT_KEY = "petitions.draft"
PROPOSE_LIMIT = Limit("petitions-propose", 5, 3600)
COMMENT_LIMIT = Limit("petitions-comment", 10, 600)
SUPPORT_LIMIT = Limit("petitions-support", 30, 600)
SIMILAR_LIMIT = Limit("petitions-similar", 120, 600)


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "petitions/index.html",
        {
            "near": selectors.near_threshold(limit=3),
            "mayor": selectors.mayor(),
            "recent": selectors.messages()[:3],
        },
    )


def proposal_list(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    rows = selectors.proposals(stage=stage)
    page = Paginator(rows, 10).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/proposal_list.html",
        {"page_obj": page, "stage": stage, "stages": Stage.choices},
    )


def _proposal(pk: int) -> Proposal:
    proposal = selectors.proposal_detail(pk=pk)
    if proposal is None:
        raise Http404
    return proposal


def proposal_detail(
    request: HttpRequest,
    pk: int,
    *,
    support_form: SupportForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    proposal = _proposal(pk)
    who = identity.current(request)
    supported = who is not None and proposal.supports.filter(identity_digest=who.digest).exists()
    return render(
        request,
        "petitions/proposal_detail.html",
        {
            "proposal": proposal,
            "events": proposal.events.all(),
            "comments": selectors.visible_comments(proposal=proposal),
            "support_form": support_form or SupportForm(initial={"channel": NotifyChannel.NONE}),
            "comment_form": comment_form or CommentForm(),
            "identity": who,
            "supported": supported,
            "can_support": proposal.stage in (Stage.COLLECTING, Stage.REVIEW),
            "threshold": settings.PETITIONS_REVIEW_THRESHOLD,
            "mayor_threshold": settings.PETITIONS_MAYOR_THRESHOLD,
        },
        status=status,
    )


def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    return proposal_detail(request, pk)


def _verify_url(next_url: str) -> str:
    return f"{reverse('petitions:verify')}?next={next_url}"


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    """Write, preview the similar proposals (without JavaScript, the preview step shows them), then submit.
    Submitting needs a verified identity: the draft waits in the session while the resident verifies."""
    draft = request.session.get(DRAFT_KEY)
    if request.method == "GET":
        form = ProposalForm(initial=draft if isinstance(draft, dict) else None)
        return render(
            request, "petitions/propose.html", {"form": form, "similar": None, "topics": Topic.choices}
        )
    form = ProposalForm(request.POST)
    if not form.is_valid():
        return render(request, "petitions/propose.html", {"form": form, "similar": None}, status=400)
    data = form.cleaned_data
    text = f"{data['title']}\n{data['body']}"
    if request.POST.get("action") != "submit":
        similar = selectors.similar_proposals(text=text)
        return render(
            request, "petitions/propose.html", {"form": form, "similar": similar, "previewed": True}
        )
    who = identity.current(request)
    if who is None:
        request.session[DRAFT_KEY] = {
            "title": data["title"],
            "body": data["body"],
            "topic": data["topic"],
            "dong": data["dong"].pk if data["dong"] else None,
            "author_name": data["author_name"],
        }
        return redirect(_verify_url(reverse("petitions:propose")))
    if not allow(request, PROPOSE_LIMIT, key=f"{client_address(request)}"):
        form.add_error(None, _("제안을 너무 자주 올리셨습니다. 한 시간 뒤에 다시 시도해 주세요."))
        return render(request, "petitions/propose.html", {"form": form, "similar": None}, status=429)
    try:
        created = proposal_create(
            identity=who,
            title=data["title"],
            body=data["body"],
            topic=data["topic"],
            dong=data["dong"],
            author_name=data["author_name"],
        )
    except Refused as refused:
        form.add_error(None, refused.message)
        return render(request, "petitions/propose.html", {"form": form, "similar": None}, status=400)
    request.session.pop(DRAFT_KEY, None)
    messages.success(
        request,
        _("제안을 올렸습니다. 공감 %(n)d명이 모이면 담당 부서가 답변합니다.")
        % {"n": settings.PETITIONS_REVIEW_THRESHOLD},
    )
    return redirect("petitions:proposal", pk=created.pk)


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """The similar proposals as an HTML fragment, for the form's script while the resident types."""
    if not allow(request, SIMILAR_LIMIT):
        return HttpResponse(status=429)
    text = request.GET.get("q", "")[:2000]
    found = selectors.similar_proposals(text=text) if len(text.strip()) >= 4 else []
    return render(request, "petitions/includes/similar.html", {"similar": found, "live": True})


@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    who = identity.current(request)
    if who is None:
        return redirect(_verify_url(reverse("petitions:proposal", kwargs={"pk": pk})))
    form = SupportForm(request.POST)
    if not form.is_valid():
        return proposal_detail(request, pk, support_form=form, status=400)
    if not allow(request, SUPPORT_LIMIT):
        form.add_error(None, _("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."))
        return proposal_detail(request, pk, support_form=form, status=429)
    channel = form.cleaned_data["channel"] or ""
    contact: Any = (
        form.cleaned_data["subscription"]
        if channel == NotifyChannel.WEBPUSH
        else form.cleaned_data["contact"]
    )
    try:
        support_add(
            proposal=proposal, identity=who, channel=channel, contact=contact, language=get_language() or "ko"
        )
    except Refused as refused:
        form.add_error(None, refused.message)
        return proposal_detail(
            request,
            pk,
            support_form=form,
            status=409
            if "이미" in refused.message or proposal.supports.filter(identity_digest=who.digest).exists()
            else 400,
        )
    messages.success(request, _("공감했습니다. 고맙습니다."))
    return redirect("petitions:proposal", pk=pk)


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return proposal_detail(request, pk, comment_form=form, status=400)
    if not allow(request, COMMENT_LIMIT):
        form.add_error(None, _("댓글을 너무 자주 쓰셨습니다. 잠시 후 다시 시도해 주세요."))
        return proposal_detail(request, pk, comment_form=form, status=429)
    who = identity.current(request)
    try:
        comment_add(
            proposal=proposal,
            author_name=form.cleaned_data["author_name"],
            body=form.cleaned_data["body"],
            identity_digest=who.digest if who else "",
        )
    except Refused as refused:
        form.add_error(None, refused.message)
        return proposal_detail(request, pk, comment_form=form, status=400)
    messages.success(request, _("댓글을 올렸습니다."))
    return redirect(reverse("petitions:proposal", kwargs={"pk": pk}) + "#comments")


@require_POST
def report(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    item = Comment.objects.filter(pk=comment_pk, proposal_id=pk).first()
    if item is None:
        raise Http404
    who = identity.current(request)
    reporter = who.digest if who else digest(f"petitions-reporter:{client_address(request)}")
    try:
        comment_report(comment=item, reporter_digest=reporter)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("신고했습니다. 담당자가 확인합니다."))
    return redirect(reverse("petitions:proposal", kwargs={"pk": pk}) + "#comments")
