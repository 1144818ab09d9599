"""Writes of the district's own alerts: authoring, the two-person rule for the highest level, publication,
CAP updates and cancellations, and expiry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.accounts.models import User
from sotong.accounts.roles import Role
from sotong.core.audit import audit_record
from sotong.core.queue import enqueue_on_commit
from sotong.organisation.models import Dong
from sotong.organisation.selectors import current_district, roles_of, staff_with_role
from sotong.safety.cap.build import CATEGORY, cap_reference
from sotong.safety.choices import Hazard
from sotong.safety.models import Alert, Facility
from sotong.safety.selectors.alerts import LOCAL, invalidate_banner
from sotong.safety.tasks import fan_out_alert

# The highest level needs a second safety-office member's approval before it goes out.
NEEDS_APPROVAL = (Alert.Severity.EXTREME,)


class AlertRefused(Exception):
    """An action the rules do not allow, with the reason to show the officer."""


def is_safety_office(user: User | AnonymousUser) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    return bool(user.is_superuser or Role.SAFETY_OFFICE in roles_of(user))


def _require_safety_office(user: User) -> None:
    if not is_safety_office(user):
        raise PermissionDenied(_("안전총괄 담당자만 특보를 다룰 수 있습니다."))


def reference_of(alert: Alert) -> str:
    """CAP's extended identifier of an earlier message: sender,identifier,sent."""
    return cap_reference(sender=alert.sender, identifier=alert.identifier, sent=alert.sent)


@dataclass
class AlertDraft:
    """What an officer writes; everything else (identifier, sender, times) Sotong fills in."""

    hazard: str
    severity: str
    headline_ko: str
    urgency: str = "Expected"
    certainty: str = "Likely"
    headline_en: str = ""
    headline_zh: str = ""
    description_ko: str = ""
    description_en: str = ""
    description_zh: str = ""
    instruction_ko: str = ""
    instruction_en: str = ""
    instruction_zh: str = ""
    area_desc: str = ""
    areas: list[dict[str, Any]] = field(default_factory=list)
    dongs: list[Dong] = field(default_factory=list)
    shelters: list[Facility] = field(default_factory=list)
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None

    TEXT_FIELDS = (
        "hazard",
        "severity",
        "urgency",
        "certainty",
        "headline_ko",
        "headline_en",
        "headline_zh",
        "description_ko",
        "description_en",
        "description_zh",
        "instruction_ko",
        "instruction_en",
        "instruction_zh",
        "area_desc",
        "areas",
        "effective",
        "onset",
        "expires",
    )

    @classmethod
    def of(cls, alert: Alert) -> AlertDraft:
        values = {name: getattr(alert, name) for name in cls.TEXT_FIELDS}
        return cls(**values, dongs=list(alert.dongs.all()), shelters=list(alert.shelters.all()))


def _new_identifier() -> str:
    district = current_district()
    code = district.code if district else "district"
    return f"KR-{code}-{timezone.localtime().strftime('%Y%m%d')}-{uuid.uuid4().hex[:12]}"


def _apply(alert: Alert, data: AlertDraft) -> None:
    for name in AlertDraft.TEXT_FIELDS:
        setattr(alert, name, getattr(data, name))
    with translation.override("ko"):
        alert.event = str(Hazard(data.hazard).label) if data.hazard else data.headline_ko[:200]
    alert.category = CATEGORY.get(data.hazard, "Other")


@transaction.atomic
def alert_create(
    *,
    data: AlertDraft,
    by: User,
    msg_type: str = "Alert",
    earlier: Alert | None = None,
    request: HttpRequest | None = None,
) -> Alert:
    """A draft alert (or a draft update of `earlier`)."""
    _require_safety_office(by)
    if data.expires is not None and data.expires <= timezone.now():
        raise AlertRefused(_("만료 시각이 이미 지났습니다."))
    if not (data.dongs or data.areas):
        raise AlertRefused(_("지역을 지도에 그리거나 동을 하나 이상 고르세요."))
    alert = Alert(
        identifier=_new_identifier(),
        sender=settings.SOTONG_DISTRICT_DOMAIN,
        sent=timezone.now(),
        msg_type=msg_type,
        origin=LOCAL,
        created_by=by,
        state=Alert.State.DRAFT,
    )
    if earlier is not None:
        alert.references = [*earlier.references, reference_of(earlier)]
        alert.supersedes = earlier
    _apply(alert, data)
    alert.save()
    alert.dongs.set(data.dongs)
    alert.shelters.set(data.shelters)
    audit_record(
        action="safety.alert_created",
        actor=by,
        target=alert,
        detail={"msg_type": msg_type, "severity": alert.severity, "earlier": earlier.pk if earlier else None},
        request=request,
    )
    return alert


@transaction.atomic
def alert_edit(*, alert: Alert, data: AlertDraft, by: User, request: HttpRequest | None = None) -> Alert:
    _require_safety_office(by)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state not in (Alert.State.DRAFT, Alert.State.PENDING):
        raise AlertRefused(_("발령된 특보는 고칠 수 없습니다. '갱신'으로 새 특보를 내세요."))
    if not (data.dongs or data.areas):
        raise AlertRefused(_("지역을 지도에 그리거나 동을 하나 이상 고르세요."))
    _apply(alert, data)
    # A change after the approval request needs a fresh request: nobody approves text they did not see.
    alert.state = Alert.State.DRAFT
    alert.save(update_fields=[*AlertDraft.TEXT_FIELDS, "event", "category", "state"])
    alert.dongs.set(data.dongs)
    alert.shelters.set(data.shelters)
    audit_record(action="safety.alert_edited", actor=by, target=alert, request=request)
    return alert


@transaction.atomic
def alert_submit(*, alert: Alert, by: User, request: HttpRequest | None = None) -> Alert:
    """Publish a draft, or for the highest level ask a second safety-office member to approve it."""
    _require_safety_office(by)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.DRAFT:
        raise AlertRefused(_("작성 중인 특보만 발령하거나 승인을 요청할 수 있습니다."))
    if alert.severity in NEEDS_APPROVAL:
        alert.state = Alert.State.PENDING
        alert.save(update_fields=["state"])
        audit_record(action="safety.alert_approval_requested", actor=by, target=alert, request=request)
        _ask_for_approval(alert, by=by)
        return alert
    return _publish(alert, by=by, approved_by=None, request=request)


def _ask_for_approval(alert: Alert, *, by: User) -> None:
    from sotong.core.notifications import notify_staff

    url = reverse("safety_alerts_admin:detail", args=[alert.pk])
    for user in staff_with_role(role=Role.SAFETY_OFFICE).exclude(pk=by.pk):
        notify_staff(
            user=user,
            title=_("특보 승인 요청: %(headline)s") % {"headline": alert.headline_ko},
            body=_("%(name)s 님이 '매우 심각' 특보의 발령 승인을 요청했습니다.")
            % {"name": by.display_name or by.get_username()},
            url=url,
            level="urgent",
        )


@transaction.atomic
def alert_approve(*, alert: Alert, by: User, request: HttpRequest | None = None) -> Alert:
    """The second person: another safety-office member publishes what the first one wrote."""
    _require_safety_office(by)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.PENDING:
        raise AlertRefused(_("승인을 기다리는 특보가 아닙니다."))
    if alert.created_by_id == by.pk:
        raise AlertRefused(
            _("직접 작성한 특보는 승인할 수 없습니다. 다른 안전총괄 담당자가 승인해야 합니다.")
        )
    audit_record(action="safety.alert_approved", actor=by, target=alert, request=request)
    return _publish(alert, by=by, approved_by=by, request=request)


@transaction.atomic
def alert_reject(*, alert: Alert, by: User, reason: str, request: HttpRequest | None = None) -> Alert:
    _require_safety_office(by)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.PENDING:
        raise AlertRefused(_("승인을 기다리는 특보가 아닙니다."))
    alert.state = Alert.State.DRAFT
    alert.save(update_fields=["state"])
    audit_record(
        action="safety.alert_rejected",
        actor=by,
        target=alert,
        detail={"reason": reason[:500]},
        request=request,
    )
    return alert


def _publish(
    alert: Alert, *, by: User, approved_by: User | None, request: HttpRequest | None = None
) -> Alert:
    now = timezone.now()
    if alert.expires is not None and alert.expires <= now:
        raise AlertRefused(_("만료 시각이 이미 지났습니다."))
    alert.state = Alert.State.PUBLISHED
    alert.sent = now
    alert.published_at = now
    alert.approved_by = approved_by
    alert.save(update_fields=["state", "sent", "published_at", "approved_by"])
    close_earlier(alert=alert)
    audit_record(
        action="safety.alert_published",
        actor=by,
        target=alert,
        detail={"msg_type": alert.msg_type, "severity": alert.severity, "identifier": alert.identifier},
        request=request,
    )
    alert_published(alert=alert)
    return alert


def close_earlier(*, alert: Alert) -> None:
    """An update supersedes the messages it references; a cancellation cancels them."""
    if alert.msg_type not in ("Update", "Cancel"):
        return
    pairs = [tuple(ref.split(",")[:2]) for ref in alert.references if ref.count(",") >= 2]
    if alert.supersedes_id and alert.supersedes is not None:
        pairs.append((alert.supersedes.sender, alert.supersedes.identifier))
    new_state = Alert.State.CANCELLED if alert.msg_type == "Cancel" else Alert.State.SUPERSEDED
    for sender, identifier in set(pairs):
        Alert.objects.filter(
            sender=sender, identifier=identifier, state__in=(Alert.State.PUBLISHED, Alert.State.EXPIRED)
        ).exclude(pk=alert.pk).update(state=new_state)


def alert_published(*, alert: Alert) -> None:
    """Tell residents: clear the banner cache and enqueue the fan-out after the commit."""
    transaction.on_commit(invalidate_banner)
    enqueue_on_commit(fan_out_alert, alert_id=alert.pk)


@transaction.atomic
def alert_update_draft(
    *, original: Alert, by: User, data: AlertDraft | None = None, request: HttpRequest | None = None
) -> Alert:
    """A CAP Update of a published alert, as a draft to edit and publish like any other."""
    _require_safety_office(by)
    if original.state != Alert.State.PUBLISHED or original.msg_type == "Cancel" or original.origin != LOCAL:
        raise AlertRefused(_("발령 중인 우리 구 특보만 갱신할 수 있습니다."))
    return alert_create(
        data=data or AlertDraft.of(original), by=by, msg_type="Update", earlier=original, request=request
    )


@transaction.atomic
def alert_cancel(*, original: Alert, by: User, note: str = "", request: HttpRequest | None = None) -> Alert:
    """A CAP Cancel of a published alert, published at once: ending a warning needs no second person."""
    _require_safety_office(by)
    original = Alert.objects.select_for_update().get(pk=original.pk)
    if original.state != Alert.State.PUBLISHED or original.msg_type == "Cancel" or original.origin != LOCAL:
        raise AlertRefused(_("발령 중인 우리 구 특보만 해제할 수 있습니다."))
    data = AlertDraft.of(original)
    for short, lang in (("ko", "ko"), ("en", "en"), ("zh", "zh-hans")):
        headline = getattr(data, f"headline_{short}")
        if headline:
            with translation.override(lang):
                setattr(data, f"headline_{short}", (_("[해제] %(headline)s") % {"headline": headline})[:200])
            setattr(data, f"instruction_{short}", "")
    if note:
        data.description_ko = note
    data.expires = None
    cancel = alert_create(data=data, by=by, msg_type="Cancel", earlier=original, request=request)
    cancel.urgency = "Past"
    cancel.save(update_fields=["urgency"])
    audit_record(
        action="safety.alert_cancelled",
        actor=by,
        target=original,
        detail={"cancel": cancel.pk},
        request=request,
    )
    return _publish(cancel, by=by, approved_by=None, request=request)


def alerts_expire(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    count = Alert.objects.filter(state=Alert.State.PUBLISHED, expires__lte=now).update(
        state=Alert.State.EXPIRED
    )
    if count:
        invalidate_banner()
    return count
