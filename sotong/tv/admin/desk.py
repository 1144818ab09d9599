"""The studio desk of a broadcast (back office): the chat's moderation (held lines, hide, pin, ban),
its settings (open, review first, closed; slow mode), and the question desk (queue by 공감, on air,
answered, passed; a line to a voice case). Every action is a POST that works without JavaScript; with
it, the page updates live from the chat websocket (moderators receive every line as stored).
Who may: ``tv.change_broadcast`` (소통TV 제작, administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks

from sotong.tv.admin.broadcasts import producer
from sotong.tv.choices import ChatMode, ChatSource, ChatState, DeskState
from sotong.tv.models import Broadcast, ChatBan, ChatMessage, ModeratorShift, Poll
from sotong.tv.services import chat as chat_services
from sotong.tv.services import desk as desk_services
from sotong.tv.services import polls as poll_services
from sotong.tv.services.chat import ChatRefused

RECENT = 60


def _context(broadcast: Broadcast) -> dict[str, Any]:
    lines = ChatMessage.objects.filter(broadcast=broadcast)
    return {
        "broadcast": broadcast,
        "held": list(lines.filter(state=ChatState.HELD).order_by("posted_at", "pk")[:100]),
        "questions": list(
            lines.filter(
                state=ChatState.VISIBLE, desk_state__in=[DeskState.QUEUED, DeskState.ON_AIR]
            ).order_by("-desk_state", "-upvotes", "posted_at")
        ),
        "answered": list(lines.filter(desk_state=DeskState.ANSWERED).order_by("-desk_changed_at")[:20]),
        "recent": list(reversed(lines.exclude(state=ChatState.HELD).order_by("-posted_at", "-pk")[:RECENT])),
        "bans": list(
            ChatBan.objects.filter(
                Q(broadcast=broadcast) | Q(broadcast__isnull=True), lifted_at__isnull=True
            )[:50]
        ),
        "modes": ChatMode.choices,
        "polls": [
            (poll, poll_services.public_poll(poll))
            for poll in Poll.objects.filter(broadcast=broadcast).prefetch_related("options")[:10]
        ],
        "held_actions": [("approve", _("게시")), ("hide", _("숨기기")), ("ban", _("내보내기"))],
        "queue_actions": [
            ("on_air", _("방송에 소개")),
            ("dismiss", _("넘기기")),
            ("refer", _("민원으로 접수")),
        ],
        "on_air_actions": [
            ("answered", _("답변함")),
            ("queue", _("대기로 되돌리기")),
            ("refer", _("민원으로 접수")),
        ],
        "line_actions": [
            ("queue", _("질문으로")),
            ("pin", _("고정")),
            ("hide", _("숨기기")),
            ("ban", _("내보내기")),
            ("refer", _("민원으로 접수")),
        ],
        "no_actions": [],
    }


def desk(request: HttpRequest, pk: int) -> HttpResponse:
    producer(request)
    broadcast = get_object_or_404(Broadcast.objects.select_related("show"), pk=pk)
    context = _context(broadcast)
    if request.GET.get("fragment"):
        return TemplateResponse(request, "tv/admin/_desk_sections.html", context)
    shifts = list(ModeratorShift.objects.filter(broadcast=broadcast).select_related("moderator")[:2])
    on_duty = shifts[0] if shifts and shifts[0].ended_at is None else None
    context["on_duty"] = on_duty
    context["handed_over"] = (
        shifts[1]
        if on_duty is not None and len(shifts) > 1
        else (shifts[0] if shifts and on_duty is None else None)
    )
    return TemplateResponse(
        request,
        "tv/admin/desk.html",
        {
            **context,
            "page_title": _("스튜디오 데스크: %(title)s") % {"title": broadcast.title_ko},
            "header_icon": "media",
        },
    )


ACTIONS = {
    "approve": lambda m, user, post: chat_services.chat_approve(message=m, by=user),
    "hide": lambda m, user, post: chat_services.chat_hide(message=m, by=user, reason=post.get("reason", "")),
    "pin": lambda m, user, post: chat_services.chat_pin(message=m, by=user, pinned=True),
    "unpin": lambda m, user, post: chat_services.chat_pin(message=m, by=user, pinned=False),
    "ban": lambda m, user, post: chat_services.chat_ban(
        message=m, by=user, reason=post.get("reason", ""), by_address=post.get("by_address") == "1"
    ),
    "queue": lambda m, user, post: desk_services.desk_move(message=m, to=DeskState.QUEUED, by=user),
    "on_air": lambda m, user, post: desk_services.desk_move(message=m, to=DeskState.ON_AIR, by=user),
    "answered": lambda m, user, post: desk_services.desk_move(message=m, to=DeskState.ANSWERED, by=user),
    "dismiss": lambda m, user, post: desk_services.desk_move(message=m, to=DeskState.DISMISSED, by=user),
    "refer": lambda m, user, post: desk_services.chat_refer(message=m, by=user),
}

DONE = {
    "approve": gettext_lazy("게시했습니다."),
    "hide": gettext_lazy("숨겼습니다."),
    "pin": gettext_lazy("고정했습니다."),
    "unpin": gettext_lazy("고정을 풀었습니다."),
    "ban": gettext_lazy("채팅에서 내보냈습니다. 그 사람이 쓴 글도 숨겼습니다."),
    "queue": gettext_lazy("질문 대기열에 넣었습니다."),
    "on_air": gettext_lazy("방송에 소개 중으로 표시했습니다. 오버레이 화면에 나옵니다."),
    "answered": gettext_lazy("답변함으로 표시했습니다."),
    "dismiss": gettext_lazy("넘겼습니다."),
}


def _answer(request: HttpRequest, pk: int, *, ok: bool, text: str, **extra: Any) -> HttpResponse:
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": ok, "message": text, **extra}, status=200 if ok else 400)
    (messages.success if ok else messages.error)(request, text)
    return redirect("tv_desk:desk", pk=pk)


@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    user = producer(request)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return _answer(request, pk, ok=False, text=_("알 수 없는 요청입니다."))
    try:
        message_id = int(request.POST.get("message", ""))
    except ValueError:
        return _answer(request, pk, ok=False, text=_("채팅을 찾을 수 없습니다."))
    message = ChatMessage.objects.filter(pk=message_id, broadcast_id=pk).first()
    if message is None:
        return _answer(request, pk, ok=False, text=_("채팅을 찾을 수 없습니다."))
    try:
        result = ACTIONS[action](message, user, request.POST)
    except ChatRefused as refused:
        return _answer(request, pk, ok=False, text=str(refused.message))
    if action == "refer":
        return _answer(
            request,
            pk,
            ok=True,
            text=(
                _("민원 %(number)s(으)로 접수했습니다. 작성자에게 %(platform)s(으)로 알리는 중입니다.")
                % {"number": result, "platform": message.get_source_display()}
                if message.source != ChatSource.SITE
                else _("민원 %(number)s(으)로 접수했습니다.") % {"number": result}
            ),
            case=result,
        )
    return _answer(request, pk, ok=True, text=str(DONE[action]))


@require_POST
def settings_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = producer(request)
    broadcast = get_object_or_404(Broadcast, pk=pk)
    try:
        slow = int(request.POST.get("slow_seconds", ""))
    except ValueError:
        return _answer(request, pk, ok=False, text=_("느린 채팅은 0초에서 300초 사이로 정해 주세요."))
    try:
        desk_services.chat_settings(
            broadcast=broadcast, mode=request.POST.get("mode", ""), slow_seconds=slow, by=user
        )
    except ChatRefused as refused:
        return _answer(request, pk, ok=False, text=str(refused.message))
    return _answer(request, pk, ok=True, text=_("채팅 설정을 바꿨습니다."))


@require_POST
def unban(request: HttpRequest, pk: int, ban_pk: int) -> HttpResponse:
    user = producer(request)
    ban = get_object_or_404(ChatBan, pk=ban_pk)
    chat_services.chat_unban(ban=ban, by=user)
    return _answer(request, pk, ok=True, text=_("채팅 참여 제한을 풀었습니다."))


@require_POST
def polls(request: HttpRequest, pk: int) -> HttpResponse:
    """Prepare a poll (question, one option a line), open it, or close it."""
    user = producer(request)
    broadcast = get_object_or_404(Broadcast, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "create":
            poll_services.poll_create(
                broadcast=broadcast,
                question=request.POST.get("question", ""),
                options=request.POST.get("options", "").splitlines(),
                by=user,
            )
            return _answer(
                request, pk, ok=True, text=_("투표를 준비했습니다. '투표 시작'을 누르면 시청자에게 보입니다.")
            )
        poll = Poll.objects.filter(pk=request.POST.get("poll") or 0, broadcast=broadcast).first()
        if poll is None:
            return _answer(request, pk, ok=False, text=_("투표를 찾을 수 없습니다."))
        if action == "open":
            poll_services.poll_open(poll=poll, by=user)
            return _answer(request, pk, ok=True, text=_("투표를 시작했습니다."))
        if action == "close":
            poll_services.poll_close(poll=poll, by=user)
            return _answer(request, pk, ok=True, text=_("투표를 마감했습니다."))
    except ChatRefused as refused:
        return _answer(request, pk, ok=False, text=str(refused.message))
    return _answer(request, pk, ok=False, text=_("알 수 없는 요청입니다."))


@require_POST
def shift(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the chat over (the shift on duty ends), or leave the hand-over note."""
    user = producer(request)
    broadcast = get_object_or_404(Broadcast, pk=pk)
    if request.POST.get("action") == "take_over":
        desk_services.shift_take_over(broadcast=broadcast, by=user)
        return _answer(request, pk, ok=True, text=_("당번을 이어받았습니다."))
    try:
        desk_services.shift_note(broadcast=broadcast, by=user, note=request.POST.get("note", ""))
    except ChatRefused as refused:
        return _answer(request, pk, ok=False, text=str(refused.message))
    return _answer(request, pk, ok=True, text=_("인계 메모를 저장했습니다."))


app_name = "tv_desk"
urlpatterns = [
    path("", desk, name="desk"),
    path("act/", act, name="act"),
    path("settings/", settings_view, name="settings"),
    path("polls/", polls, name="polls"),
    path("shift/", shift, name="shift"),
    path("bans/<int:ban_pk>/lift/", unban, name="unban"),
]


@hooks.register("register_admin_urls")
def register_desk_urls() -> list[Any]:
    return [path("tv/broadcasts/<int:pk>/desk/", include((urlpatterns, app_name), namespace=app_name))]
