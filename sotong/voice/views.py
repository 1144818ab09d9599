"""Residents' pages of the voice: send a case, follow it, read published answers, see how fast the
district answers."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sotong.core.crypto import digest
from sotong.core.masking import mask_text
from sotong.core.ratelimit import Limit, allow
from sotong.organisation.models import Department, Dong
from sotong.voice import selectors, statistics
from sotong.voice.choices import Channel, Kind, Status
from sotong.voice.forms import CaseForm, TrackLookupForm
from sotong.voice.models import Attachment, Case, CaseMessage
from sotong.voice.services.intake import Submission, case_receive, normalise_phone

SUBMIT_LIMIT = Limit("voice.submit", count=settings.VOICE_SUBMIT_LIMIT, seconds=600)
LOOKUP_LIMIT = Limit("voice.lookup", count=20, seconds=600)


def _tracking(case: Case) -> str:
    return reverse("voice:track", kwargs={"number": case.number}) + f"?t={case.token}"


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not allow(request, SUBMIT_LIMIT):
            return render(
                request,
                "voice/rate_limited.html",
                {"minutes": SUBMIT_LIMIT.seconds // 60},
                status=429,
            )
        form = CaseForm(request.POST, request.FILES, department=_department(request.POST.get("department")))
        if form.is_valid():
            data = form.cleaned_data
            case, _created = case_receive(
                submission=Submission(
                    channel=Channel.WEB,
                    external_id=data["submission_id"],
                    text=data["text"],
                    kind=data["kind"],
                    title=data["title"],
                    category=data["category"],
                    department=form.for_department,
                    dong=data["dong"],
                    address_text=data["address_text"],
                    lat=data["lat"],
                    lon=data["lon"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    consent_contact=data["consent_contact"],
                    consent_publish=data["consent_publish"],
                    consent_photo_location=data["consent_photo_location"],
                    photos=data["photos"],
                )
            )
            return redirect(reverse("voice:submitted", kwargs={"number": case.number}) + f"?t={case.token}")
    else:
        form = CaseForm(department=_department(request.GET.get("department")))
    return render(request, "voice/submit.html", {"form": form, "map_tile_url": settings.MAP_TILE_URL})


def _department(code: str | None) -> Department | None:
    """The active department a link from its page names (?department=<code>); None for anything else."""
    if not code:
        return None
    return Department.objects.filter(code=code[:40], is_active=True).first()


def submitted(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.tracked_case(number=number, token=request.GET.get("t", ""))
    if case is None:
        raise Http404
    tracking = _tracking(case)
    return render(
        request,
        "voice/submitted.html",
        # The full address, as the texts and e-mails to the resident give it, to copy or write down.
        {"case": case, "tracking_url": tracking, "tracking_address": f"{settings.SITE_URL}{tracking}"},
    )


def track(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.tracked_case(number=number, token=request.GET.get("t", ""))
    if case is None:
        raise Http404
    messages = case.messages.exclude(direction=CaseMessage.Direction.NOTE)
    source = case.primary if case.primary_id and case.status == Status.MERGED else None
    return render(
        request,
        "voice/track.html",
        {
            "case": case,
            "thread": messages,
            "events": case.events.filter(public=True),
            "photos": case.attachments.all(),
            "primary": source,
            "token": case.token,
        },
    )


@require_http_methods(["GET", "POST"])
def track_lookup(request: HttpRequest) -> HttpResponse:
    """Find one's case by its number and the phone or e-mail given with it."""
    form = TrackLookupForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if not allow(request, LOOKUP_LIMIT):
            return render(
                request, "voice/rate_limited.html", {"minutes": LOOKUP_LIMIT.seconds // 60}, status=429
            )
        if form.is_valid():
            contact = form.cleaned_data["contact"].strip()
            key = contact.lower() if "@" in contact else normalise_phone(contact)
            case = Case.objects.filter(number=form.cleaned_data["number"], contact_digest=digest(key)).first()
            if case is not None:
                return redirect(_tracking(case))
            error = _("접수 번호와 연락처가 맞는 민원이 없습니다.")
    return render(request, "voice/track_lookup.html", {"form": form, "error": error})


def photo(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """A case's photo for its resident (with the token) or for staff who may handle the case."""
    attachment = Attachment.objects.select_related("case").filter(pk=pk, case__number=number).first()
    if attachment is None:
        raise Http404
    case = attachment.case
    token_ok = selectors.tracked_case(number=number, token=request.GET.get("t", "")) is not None
    if not token_ok and not selectors.can_handle_case(request.user, case):
        raise Http404
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def answered(request: HttpRequest) -> HttpResponse:
    department_code = request.GET.get("department", "")
    dong_code = request.GET.get("dong", "")
    cases = selectors.published_answers()
    if department_code:
        cases = cases.filter(department__code=department_code)
    if dong_code:
        cases = cases.filter(dong__code=dong_code)
    page = list(cases[:50])
    answers = {
        m.case_id: m
        for m in CaseMessage.objects.filter(case__in=page, purpose=CaseMessage.Purpose.ANSWER).order_by(
            "created_at"
        )
    }
    items = [
        {
            "case": c,
            "summary": mask_text(c.title or c.text, names=[c.contact_name])[:140],
            "answer": mask_text(answers[c.pk].body, names=[c.contact_name]) if c.pk in answers else "",
            # Published locations are rounded to about 100 m.
            "lat": round(float(c.lat), 3) if c.lat is not None else None,
            "lon": round(float(c.lon), 3) if c.lon is not None else None,
        }
        for c in page
    ]
    return render(
        request,
        "voice/answered.html",
        {
            "items": items,
            "departments": Department.objects.filter(is_active=True),
            "dongs": Dong.objects.all(),
            "department_code": department_code,
            "dong_code": dong_code,
            "map_tile_url": settings.MAP_TILE_URL,
        },
    )


def stats(request: HttpRequest) -> HttpResponse:
    data = statistics.public_statistics()
    return render(
        request,
        "voice/stats.html",
        {
            "stats": data,
            # Labels in the reader's language, for the charts.
            "dong_rows": [(dong.name, n) for dong, n in data["by_dong"]],
            "kind_rows": [(str(Kind(kind).label), n) for kind, n in data["by_kind"]],
        },
    )
