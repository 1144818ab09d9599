"""Back-office screens for alerts: authoring, approval, publication, updates and cancellations.

Only the safety office (안전총괄) and superusers see them. The highest level (매우 심각, CAP Extreme) waits
for a second safety-office member's approval; lower levels go out when the author publishes them."""

from __future__ import annotations

import json
from typing import Any

from django import forms
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

from sotong.accounts.models import User
from sotong.core.models import AuditEvent
from sotong.organisation.models import Dong
from sotong.safety.cap.validate import MAX_BYTES as CAP_MAX_BYTES
from sotong.safety.choices import Hazard
from sotong.safety.models import Alert, Facility
from sotong.safety.selectors import alerts as selectors_alerts
from sotong.safety.services import alerts as services_alerts
from sotong.safety.services.alert_import import alerts_uploaded, import_data
from sotong.safety.services.alerts import AlertDraft, AlertRefused, is_safety_office

MAX_SHAPES = 20
MAX_POINTS = 200


class AlertForm(forms.Form):
    hazard = forms.ChoiceField(label=gettext_lazy("재난"), choices=Hazard.choices)
    severity = forms.ChoiceField(
        label=gettext_lazy("심각도"),
        choices=[c for c in Alert.Severity.choices if c[0] != Alert.Severity.UNKNOWN],
        initial=Alert.Severity.SEVERE,
        help_text=gettext_lazy("'매우 심각'은 다른 안전총괄 담당자가 승인해야 발령됩니다."),
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("긴급성"),
        choices=[
            ("Immediate", gettext_lazy("즉시 대응")),
            ("Expected", gettext_lazy("곧 대응(1시간 안)")),
            ("Future", gettext_lazy("앞으로 대비")),
        ],
        initial="Expected",
    )
    certainty = forms.ChoiceField(
        label=gettext_lazy("확실성"),
        choices=[
            ("Observed", gettext_lazy("발생함")),
            ("Likely", gettext_lazy("가능성 높음")),
            ("Possible", gettext_lazy("가능성 있음")),
        ],
        initial="Likely",
    )
    headline_ko = forms.CharField(label=gettext_lazy("제목"), max_length=200)
    headline_en = forms.CharField(label=gettext_lazy("영문 제목"), max_length=200, required=False)
    headline_zh = forms.CharField(label=gettext_lazy("중문 제목"), max_length=200, required=False)
    description_ko = forms.CharField(
        label=gettext_lazy("내용"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    description_en = forms.CharField(
        label=gettext_lazy("영문 내용"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    description_zh = forms.CharField(
        label=gettext_lazy("중문 내용"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    instruction_ko = forms.CharField(
        label=gettext_lazy("행동 요령"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    instruction_en = forms.CharField(
        label=gettext_lazy("영문 행동 요령"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    instruction_zh = forms.CharField(
        label=gettext_lazy("중문 행동 요령"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    dongs = forms.ModelMultipleChoiceField(
        label=gettext_lazy("행정동"),
        queryset=Dong.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    areas = forms.CharField(widget=forms.HiddenInput, required=False)
    area_desc = forms.CharField(label=gettext_lazy("지역 설명"), max_length=300, required=False)
    shelters = forms.ModelMultipleChoiceField(
        label=gettext_lazy("안내할 대피소"),
        queryset=Facility.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        required=False,
    )
    expires = forms.DateTimeField(
        label=gettext_lazy("만료 시각"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        required=False,
    )

    def clean_areas(self) -> list[dict[str, Any]]:
        raw = self.cleaned_data.get("areas") or "[]"
        try:
            shapes = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("지도에 그린 지역을 읽을 수 없습니다.")) from exc
        if not isinstance(shapes, list) or len(shapes) > MAX_SHAPES:
            raise forms.ValidationError(_("지도에 그린 지역을 읽을 수 없습니다."))
        return [_clean_shape(shape) for shape in shapes]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("dongs") and not cleaned.get("areas") and not self.errors:
            raise forms.ValidationError(_("지역을 지도에 그리거나 동을 하나 이상 고르세요."))
        return cleaned

    def draft(self) -> AlertDraft:
        data = self.cleaned_data
        texts: dict[str, Any] = {name: data[name] or "" for name in _TEXT}
        return AlertDraft(
            **texts,
            areas=data["areas"],
            dongs=list(data["dongs"]),
            shelters=list(data["shelters"]),
            expires=data["expires"],
        )

    @classmethod
    def initial_from(cls, alert: Alert) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(alert, name) for name in _TEXT}
        initial.update(
            areas=json.dumps(alert.areas),
            dongs=list(alert.dongs.all()),
            shelters=list(alert.shelters.all()),
            expires=alert.expires,
        )
        return initial


# The form's plain text fields: the draft's fields less the area shapes and times, which it parses.
_TEXT = tuple(
    name for name in AlertDraft.TEXT_FIELDS if name not in ("areas", "effective", "onset", "expires")
)


def _number(value: Any, low: float, high: float) -> float:
    number = float(value)
    if not low <= number <= high:
        raise ValueError(value)
    return number


def _clean_shape(shape: Any) -> dict[str, Any]:
    """A polygon [[lat, lon], ...] (3 to 200 points) or a circle (centre and a radius of 10 m to 50 km)."""
    try:
        if shape["type"] == "polygon":
            points = [[_number(p[0], -90, 90), _number(p[1], -180, 180)] for p in shape["points"]]
            if not 3 <= len(points) <= MAX_POINTS:
                raise ValueError(len(points))
            return {"type": "polygon", "points": points}
        if shape["type"] == "circle":
            return {
                "type": "circle",
                "lat": _number(shape["lat"], -90, 90),
                "lon": _number(shape["lon"], -180, 180),
                "radius_m": _number(shape["radius_m"], 10, 50_000),
            }
    except (KeyError, TypeError, ValueError, IndexError):
        pass
    raise forms.ValidationError(_("지도에 그린 지역을 읽을 수 없습니다."))


def _require(request: HttpRequest) -> User:
    """The signed-in member of the safety office, or PermissionDenied."""
    user = request.user
    if not isinstance(user, User) or not is_safety_office(user):
        raise PermissionDenied
    return user


def _alert_or_404(pk: int) -> Alert:
    alert = selectors_alerts.alerts_for_staff().filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


def _map_context() -> dict[str, Any]:
    from django.conf import settings

    return {
        "dong_points": [
            {"code": d.code, "name": d.name_ko, "lat": float(d.lat), "lon": float(d.lon)}
            for d in Dong.objects.all()
        ],
        "tile_url": settings.MAP_TILE_URL,
    }


class CapUploadForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("CAP 문서 또는 특보·재난문자 API 응답 파일"),
        help_text=gettext_lazy(
            "CAP 1.2 XML, 기상청 특보 또는 재난문자 API의 JSON/XML 응답. 피드는 주소로 가져옵니다."
        ),
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        if upload.size > CAP_MAX_BYTES:
            raise forms.ValidationError(_("파일이 너무 큽니다."))
        return upload


def index(request: HttpRequest) -> HttpResponse:
    _require(request)
    return _index(request, CapUploadForm())


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """A CAP document or a Korean alert API response uploaded by the safety office, imported as the
    scheduler's feed polling would import it (the same document twice changes nothing)."""
    officer = _require(request)
    form = CapUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, form)
    document = form.cleaned_data["document"]
    name = str(document.name or "upload")
    report = import_data(bytes(document.read()), where=f"upload:{name[:100]}")
    alerts_uploaded(name=name, report=report, by=officer, request=request)
    if report.created or report.unchanged or report.skipped:
        messages.success(
            request,
            _("가져온 특보 %(created)d건, 이미 있던 특보 %(unchanged)d건, 다른 지역 %(skipped)d건.")
            % {"created": len(report.created), "unchanged": len(report.unchanged), "skipped": report.skipped},
        )
    for where, reason in report.refused[:20]:
        messages.error(
            request, _("가져오지 못했습니다 (%(where)s): %(reason)s") % {"where": where, "reason": reason}
        )
    return redirect("safety_alerts_admin:index")


def _index(request: HttpRequest, upload_form: CapUploadForm) -> HttpResponse:
    return TemplateResponse(
        request,
        "safety/admin/alerts/index.html",
        {
            "page_title": _("특보 발령"),
            "header_icon": "warning",
            "pending": list(selectors_alerts.awaiting_approval()),
            "alerts": list(selectors_alerts.alerts_for_staff()[:100]),
            "imported": list(selectors_alerts.imported_alerts()[:30]),
            "upload_form": upload_form,
        },
        status=400 if upload_form.is_bound else 200,
    )


def create(request: HttpRequest) -> HttpResponse:
    officer = _require(request)
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services_alerts.alert_create(data=form.draft(), by=officer, request=request)
        except AlertRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("특보를 저장했습니다. 내용을 확인하고 발령하세요."))
            return redirect("safety_alerts_admin:detail", pk=alert.pk)
    return TemplateResponse(
        request,
        "safety/admin/alerts/form.html",
        {"page_title": _("새 특보"), "header_icon": "warning", "form": form, **_map_context()},
    )


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _require(request)
    alert = _alert_or_404(pk)
    if alert.state not in (Alert.State.DRAFT, Alert.State.PENDING):
        messages.error(request, _("발령된 특보는 고칠 수 없습니다. '갱신'으로 새 특보를 내세요."))
        return redirect("safety_alerts_admin:detail", pk=alert.pk)
    form = AlertForm(request.POST or None, initial=AlertForm.initial_from(alert))
    if request.method == "POST" and form.is_valid():
        try:
            services_alerts.alert_edit(alert=alert, data=form.draft(), by=officer, request=request)
        except AlertRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("특보를 고쳤습니다."))
            return redirect("safety_alerts_admin:detail", pk=alert.pk)
    return TemplateResponse(
        request,
        "safety/admin/alerts/form.html",
        {
            "page_title": _("특보 고치기"),
            "header_icon": "warning",
            "form": form,
            "alert": alert,
            **_map_context(),
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    alert = _alert_or_404(pk)
    trail = AuditEvent.objects.filter(target_type="safety.alert", target_id=str(alert.pk)).order_by("at")
    return TemplateResponse(
        request,
        "safety/admin/alerts/detail.html",
        {
            "page_title": alert.headline_ko,
            "header_icon": "warning",
            "alert": alert,
            "dongs": list(alert.dongs.all()),
            "shelters": list(alert.shelters.all()),
            "trail": list(trail),
            "may_approve": alert.state == Alert.State.PENDING and alert.created_by_id != request.user.pk,
            "areas_json": json.dumps(alert.areas),
            "updates": list(alert.superseded_by.all()),
            **_map_context(),
        },
    )


@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _require(request)
    alert = _alert_or_404(pk)
    action = request.POST.get("action", "")
    target = alert
    try:
        if action == "submit":
            target = services_alerts.alert_submit(alert=alert, by=officer, request=request)
            if target.state == Alert.State.PENDING:
                messages.success(
                    request, _("승인을 요청했습니다. 다른 안전총괄 담당자가 승인하면 발령됩니다.")
                )
            else:
                messages.success(request, _("특보를 발령했습니다."))
        elif action == "approve":
            target = services_alerts.alert_approve(alert=alert, by=officer, request=request)
            messages.success(request, _("승인하여 특보를 발령했습니다."))
        elif action == "reject":
            reason = request.POST.get("reason", "").strip()
            target = services_alerts.alert_reject(alert=alert, by=officer, reason=reason, request=request)
            messages.success(request, _("승인하지 않고 작성자에게 돌려보냈습니다."))
        elif action == "update":
            target = services_alerts.alert_update_draft(original=alert, by=officer, request=request)
            messages.success(request, _("갱신 특보를 만들었습니다. 고친 뒤 발령하세요."))
            return redirect("safety_alerts_admin:edit", pk=target.pk)
        elif action == "cancel":
            note = request.POST.get("note", "").strip()[:1000]
            target = services_alerts.alert_cancel(original=alert, by=officer, note=note, request=request)
            messages.success(request, _("특보를 해제했습니다."))
        else:
            raise Http404
    except AlertRefused as exc:
        messages.error(request, str(exc))
    return redirect("safety_alerts_admin:detail", pk=target.pk)


app_name = "safety_alerts_admin"
urlpatterns = [
    path("", index, name="index"),
    path("new/", create, name="create"),
    path("upload/", upload, name="upload"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/act/", act, name="act"),
]


@hooks.register("register_admin_urls")
def register_alert_admin_urls() -> list[Any]:
    return [path("safety/alerts/", include((urlpatterns, app_name), namespace=app_name))]


class AlertMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return is_safety_office(request.user)


@hooks.register("register_admin_menu_item")
def register_alert_menu_item() -> MenuItem:
    return AlertMenuItem(
        gettext_lazy("특보 발령"), reverse("safety_alerts_admin:index"), icon_name="warning", order=110
    )
