"""The SNS officer's inbox in the back office: one per department (and the comms team's triage queue),
a case page with everything needed to answer, and the actions officers take."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sotong.accounts.models import staff_member
from sotong.accounts.roles import Role
from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_retry
from sotong.core.workdays import SEOUL
from sotong.organisation.models import Department, Dong
from sotong.organisation.selectors import (
    case_departments_for,
    home_departments,
    roles_of,
    spans_case_handling,
)
from sotong.voice import selectors
from sotong.voice.choices import Kind, Status
from sotong.voice.models import Case, ReplyTemplate
from sotong.voice.services import handling

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> selectors.InboxFilters:
    get = request.GET
    return selectors.InboxFilters(
        status=get.get("status", ""),
        kind=get.get("kind", ""),
        dong=get.get("dong", ""),
        overdue=get.get("overdue") == "1",
        due_today=get.get("due") == "today",
        urgent=get.get("urgent") == "1",
        q=get.get("q", "").strip()[:60],
    )


def _chosen_department(request: HttpRequest) -> tuple[Department | None, bool]:
    """(department, is_triage). Spanning roles may pick any department or the triage queue."""
    code = request.GET.get("department", "")
    if code == "triage":
        if not spans_case_handling(request.user):
            raise PermissionDenied
        return None, True
    allowed = case_departments_for(request.user)
    if not code and Role.COMMS in roles_of(request.user):
        # The comms team's work is the triage queue (its own department, 소통홍보과, rarely has cases).
        return None, True
    if code:
        department = allowed.filter(code=code).first()
        if department is None:
            raise PermissionDenied
        return department, False
    home = (
        home_departments(request.user).filter(pk__in=case_departments_for(request.user).values("pk")).first()
    )
    if home is not None:
        return home, False
    if spans_case_handling(request.user):
        return None, True
    raise PermissionDenied


def inbox(request: HttpRequest) -> HttpResponse:
    department, triage = _chosen_department(request)
    filters = _filters(request)
    cases = selectors.inbox_for(user=request.user, department=department, filters=filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "voice/admin/inbox.html",
        {
            "page_title": _("민원함"),
            "header_icon": "mail",
            "department": department,
            "triage": triage,
            "page_obj": page,
            "cases": page.object_list,
            "filters": filters,
            "query": query.urlencode(),
            "departments": case_departments_for(request.user).order_by("bureau__sort_order", "sort_order"),
            "all_departments": Department.objects.filter(is_active=True).order_by("name_ko"),
            "spans": spans_case_handling(request.user),
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "dongs": Dong.objects.all(),
            "now": timezone.now(),
            "ws_groups": ["triage"] if triage else [f"department.{department.code}"] if department else [],
        },
    )


def _case_or_404(request: HttpRequest, number: str) -> Case:
    case = selectors.case_for_staff(number=number)
    if case is None:
        raise Http404
    if not selectors.can_handle_case(request.user, case):
        raise PermissionDenied
    return case


def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    template_id = request.GET.get("template")
    prefill = ""
    templates = ReplyTemplate.objects.filter(Q(department__isnull=True) | Q(department=case.department))
    if template_id and template_id.isdigit():
        chosen = templates.filter(pk=int(template_id)).first()
        prefill = chosen.body if chosen else ""
    answer_of = request.GET.get("use_answer", "").strip()
    if answer_of:
        # Only an answer the officer may see, masked: another resident's name or number never
        # reaches this reply box.
        prefill = selectors.reusable_answer(user=request.user, number=answer_of) or prefill
    deliveries = {
        d.subject: d
        for d in Delivery.objects.filter(
            subject__in=[f"voice.casemessage:{m.pk}" for m in case.messages.all()]
        )
    }
    thread = [
        {
            "message": m,
            "deliveries": [d for key, d in deliveries.items() if key == f"voice.casemessage:{m.pk}"],
        }
        for m in case.messages.all()
    ]
    return TemplateResponse(
        request,
        "voice/admin/case.html",
        {
            "page_title": _("민원 %(number)s") % {"number": case.number},
            "header_icon": "mail",
            "case": case,
            "thread": thread,
            "events": case.events.all(),
            "photos": case.attachments.all(),
            "duplicates": case.duplicates.all(),
            "similar": selectors.similar_answers_for(user=request.user, case=case),
            "templates": templates,
            "prefill": prefill,
            "departments": Department.objects.filter(is_active=True)
            .exclude(code=case.department.code if case.department else "")
            .order_by("name_ko"),
            "kinds": Kind.choices,
            "routing": _routing(case),
            "category": selectors.case_category(case),
            "contact": request.session.pop(f"contact:{case.number}", None),
            "overdue": case.is_open and case.deadline is not None and case.deadline < timezone.now(),
            "failed_deliveries": [d for d in deliveries.values() if d.status == Delivery.Status.FAILED],
            "map_tile_url": settings.MAP_TILE_URL,
        },
    )


def _routing(case: Case) -> dict[str, Any]:
    """How the case was routed: ``by`` "category" (the resident's choice), "model" or "" (not yet), and
    the router's suggestions worth reading: departments of negligible probability are left out."""
    decision = next((e for e in list(case.events.all())[::-1] if e.kind in {"routed", "triaged"}), None)
    shown = [(code, p) for code, p in case.routing_top3 if p >= selectors.NEGLIGIBLE_PROBABILITY]
    departments = {d.code: d for d in Department.objects.filter(code__in=[code for code, _p in shown])}
    return {
        "by": decision.detail.get("by", "") if decision is not None else "",
        "suggestions": [(departments[code], p) for code, p in shown if code in departments],
        "hidden": len(case.routing_top3) - len(shown),
    }


def _deadline_from(value: str) -> datetime:
    day = parse_date(value or "")
    if day is None:
        raise ValidationError(_("새 기한 날짜를 YYYY-MM-DD로 입력하세요."))
    return datetime.combine(day, time(18), tzinfo=SEOUL)


@require_POST
def case_action(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    action = request.POST.get("action", "")
    post = request.POST
    user = staff_member(request)
    try:
        if action == "take":
            handling.case_take(case=case, by=user)
            messages.success(request, _("담당자로 지정되었습니다."))
        elif action in {"answer", "reply"}:
            handling.case_reply(case=case, body=post.get("body", ""), by=user, final=action == "answer")
            messages.success(
                request, _("답변을 보냈습니다.") if action == "answer" else _("안내를 보냈습니다.")
            )
        elif action == "note":
            handling.case_note(case=case, body=post.get("body", ""), by=user)
            messages.success(request, _("메모를 남겼습니다."))
        elif action == "transfer":
            to = Department.objects.filter(code=post.get("department", ""), is_active=True).first()
            if to is None:
                raise ValidationError(_("이송할 부서를 고르세요."))
            handling.case_transfer(case=case, to=to, by=user, reason=post.get("reason", ""))
            messages.success(request, _("%(department)s(으)로 이송했습니다.") % {"department": to.name_ko})
            if not selectors.can_handle_case(user, case):
                return redirect("voice_admin:inbox")
        elif action == "merge":
            primary = Case.objects.filter(number=post.get("primary", "").strip()).first()
            if primary is None:
                raise ValidationError(_("대표 민원 번호를 찾을 수 없습니다."))
            handling.case_merge(duplicate=case, primary=primary, by=user)
            messages.success(request, _("대표 민원 %(number)s에 병합했습니다.") % {"number": primary.number})
        elif action == "unmerge":
            handling.case_unmerge(case=case, by=user)
            messages.success(request, _("중복 연결을 풀었습니다."))
        elif action == "extend":
            handling.case_extend(
                case=case, until=_deadline_from(post.get("until", "")), reason=post.get("reason", ""), by=user
            )
            messages.success(request, _("처리 기한을 연장하고 주민에게 알렸습니다."))
        elif action == "reclassify":
            handling.case_reclassify(case=case, kind=post.get("kind", ""), by=user)
            messages.success(request, _("유형을 바꾸었습니다."))
        elif action == "close":
            handling.case_close(case=case, by=user)
            messages.success(request, _("종결했습니다."))
        elif action == "reveal_contact":
            request.session[f"contact:{case.number}"] = handling.case_contact_view(
                case=case, by=user, request=request
            )
        elif action == "retry_delivery":
            delivery = Delivery.objects.filter(
                pk=post.get("delivery", "0"), subject__startswith="voice.casemessage:"
            ).first()
            if delivery is None or not case.messages.filter(pk=int(delivery.subject.split(":")[1])).exists():
                raise ValidationError(_("다시 보낼 발송을 찾을 수 없습니다."))
            delivery_retry(delivery=delivery)
            messages.success(request, _("다시 보내도록 했습니다."))
        else:
            raise ValidationError(_("알 수 없는 작업입니다."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("voice_admin:case", kwargs={"number": case.number}))


@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    numbers = request.POST.getlist("cases")
    action = request.POST.get("action", "")
    back = request.POST.get("next") or reverse("voice_admin:inbox")
    if not back.startswith("/admin/"):
        back = reverse("voice_admin:inbox")
    done, refused = 0, 0
    by = staff_member(request)
    to = None
    if action == "transfer":
        to = Department.objects.filter(code=request.POST.get("department", ""), is_active=True).first()
        if to is None:
            messages.error(request, _("이송할 부서를 고르세요."))
            return redirect(back)
    for case in Case.objects.filter(number__in=numbers[:200]).select_related("department"):
        try:
            if action == "take":
                handling.case_take(case=case, by=by)
            elif action == "transfer" and to is not None:
                handling.case_transfer(case=case, to=to, by=by, reason=request.POST.get("reason", ""))
            elif action == "close":
                handling.case_close(case=case, by=by)
            else:
                raise ValidationError(_("알 수 없는 작업입니다."))
            done += 1
        except (PermissionDenied, ValidationError):
            refused += 1
    if done:
        messages.success(request, _("%(n)d건을 처리했습니다.") % {"n": done})
    if refused:
        messages.error(request, _("%(n)d건은 처리할 수 없었습니다 (권한 또는 입력 확인).") % {"n": refused})
    return redirect(back)
