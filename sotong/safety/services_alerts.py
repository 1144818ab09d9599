"""Writes of alerts: authoring with the two-person rule for the highest level, publication, updates and
cancellations as CAP messages, and imports of outside CAP documents and feeds."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.accounts.roles import Role
from sotong.core.audit import audit_record
from sotong.organisation.models import Dong
from sotong.organisation.selectors import current_district, roles_of, staff_with_role
from sotong.safety.cap.build import CATEGORY, cap_time
from sotong.safety.cap.mapping import hazard_for, points_inside, region_dongs
from sotong.safety.cap.parse import CapInfo, CapMessage, parse_cap
from sotong.safety.choices import Hazard
from sotong.safety.models import Alert, Facility
from sotong.safety.selectors_alerts import LOCAL, invalidate_banner

logger = logging.getLogger(__name__)

SEVERITY_RANK = {"Extreme": 4, "Severe": 3, "Moderate": 2, "Minor": 1, "Unknown": 0}
# The highest level needs a second safety-office member's approval before it goes out.
NEEDS_APPROVAL = (Alert.Severity.EXTREME,)


class AlertRefused(Exception):
    """An action the rules do not allow, with the reason to show the officer."""


def is_safety_office(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or Role.SAFETY_OFFICE in roles_of(user))


def _require_safety_office(user: Any) -> None:
    if not is_safety_office(user):
        raise PermissionDenied(_("안전총괄 담당자만 특보를 다룰 수 있습니다."))


def reference_of(alert: Alert) -> str:
    """CAP's extended identifier of an earlier message: sender,identifier,sent."""
    return f"{alert.sender},{alert.identifier},{cap_time(alert.sent)}"


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
    *, data: AlertDraft, by: Any, msg_type: str = "Alert", earlier: Alert | None = None, request: Any = None
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
def alert_edit(*, alert: Alert, data: AlertDraft, by: Any, request: Any = None) -> Alert:
    _require_safety_office(by)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state not in (Alert.State.DRAFT, Alert.State.PENDING):
        raise AlertRefused(_("발령된 특보는 고칠 수 없습니다. '갱신'으로 새 특보를 내세요."))
    if not (data.dongs or data.areas):
        raise AlertRefused(_("지역을 지도에 그리거나 동을 하나 이상 고르세요."))
    _apply(alert, data)
    # A change after the approval request needs a fresh request: nobody approves text they did not see.
    alert.state = Alert.State.DRAFT
    alert.save()
    alert.dongs.set(data.dongs)
    alert.shelters.set(data.shelters)
    audit_record(action="safety.alert_edited", actor=by, target=alert, request=request)
    return alert


@transaction.atomic
def alert_submit(*, alert: Alert, by: Any, request: Any = None) -> Alert:
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


def _ask_for_approval(alert: Alert, *, by: Any) -> None:
    from sotong.core.notifications import notify_staff

    url = reverse("safety_alerts_admin:detail", args=[alert.pk])
    for user in staff_with_role(role=Role.SAFETY_OFFICE).exclude(pk=by.pk):
        notify_staff(
            user=user,
            title=_("특보 승인 요청: %(headline)s") % {"headline": alert.headline_ko},
            body=_("%(name)s 님이 '매우 심각' 특보의 발령 승인을 요청했습니다.")
            % {"name": getattr(by, "display_name", "") or by.get_username()},
            url=url,
            level="urgent",
        )


@transaction.atomic
def alert_approve(*, alert: Alert, by: Any, request: Any = None) -> Alert:
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
def alert_reject(*, alert: Alert, by: Any, reason: str, request: Any = None) -> Alert:
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


def _publish(alert: Alert, *, by: Any, approved_by: Any, request: Any = None) -> Alert:
    now = timezone.now()
    if alert.expires is not None and alert.expires <= now:
        raise AlertRefused(_("만료 시각이 이미 지났습니다."))
    alert.state = Alert.State.PUBLISHED
    alert.sent = now
    alert.published_at = now
    alert.approved_by = approved_by
    alert.save(update_fields=["state", "sent", "published_at", "approved_by"])
    _close_earlier(alert)
    audit_record(
        action="safety.alert_published",
        actor=by,
        target=alert,
        detail={"msg_type": alert.msg_type, "severity": alert.severity, "identifier": alert.identifier},
        request=request,
    )
    alert_published(alert)
    return alert


def _close_earlier(alert: Alert) -> None:
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


def alert_published(alert: Alert) -> None:
    """Tell residents: clear the banner cache and enqueue the fan-out after the commit."""
    # Imported here: the fan-out imports the connectors' senders, which the alert screens do not need.
    from sotong.core.queue import enqueue_on_commit
    from sotong.safety.tasks_fanout import fan_out_alert

    transaction.on_commit(invalidate_banner)
    enqueue_on_commit(fan_out_alert, alert_id=alert.pk)


@transaction.atomic
def alert_update_draft(
    *, original: Alert, by: Any, data: AlertDraft | None = None, request: Any = None
) -> Alert:
    """A CAP Update of a published alert, as a draft to edit and publish like any other."""
    _require_safety_office(by)
    if original.state != Alert.State.PUBLISHED or original.msg_type == "Cancel" or original.origin != LOCAL:
        raise AlertRefused(_("발령 중인 우리 구 특보만 갱신할 수 있습니다."))
    return alert_create(
        data=data or AlertDraft.of(original), by=by, msg_type="Update", earlier=original, request=request
    )


@transaction.atomic
def alert_cancel(*, original: Alert, by: Any, note: str = "", request: Any = None) -> Alert:
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


# --- Imports -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    alert: Alert
    created: bool


@dataclass
class ExternalAlert:
    """An alert from an outside feed that is not CAP (기상청 특보, 재난문자), in CAP's terms."""

    identifier: str
    sender: str
    sent: datetime
    msg_type: str
    event: str
    severity: str
    urgency: str
    headline_ko: str
    description_ko: str
    regions: list[str]
    hazard: str = ""
    references: list[str] = field(default_factory=list)
    expires: datetime | None = None
    effective: datetime | None = None
    category: str = "Met"
    raw: str = ""


def _district_dongs(texts: list[str], areas: list[dict[str, Any]]) -> list[Dong]:
    district = current_district()
    if district is None:
        return []
    dongs = list(Dong.objects.filter(district=district))
    found = region_dongs(
        texts,
        dongs=dongs,
        district_names=[district.name_ko, district.name_en],
        aliases=settings.SAFETY_REGION_ALIASES,
    )
    for dong in points_inside(areas, [(d, float(d.lat), float(d.lon)) for d in dongs]):
        if dong not in found:
            found.append(dong)
    return found


def _language_key(tag: str) -> str | None:
    tag = tag.lower()
    for key in ("ko", "en", "zh"):
        if tag.startswith(key):
            return key
    return None


def _best_infos(infos: list[CapInfo]) -> dict[str, CapInfo]:
    """One info per language we publish in: the most severe when a sender sends several."""
    best: dict[str, CapInfo] = {}
    for info in infos:
        key = _language_key(info.language)
        if key is None:
            continue
        if key not in best or SEVERITY_RANK.get(info.severity, 0) > SEVERITY_RANK.get(best[key].severity, 0):
            best[key] = info
    return best


def _areas_of(info: CapInfo | None) -> list[dict[str, Any]]:
    if info is None:
        return []
    shapes: list[dict[str, Any]] = []
    for area in info.areas:
        for polygon in area.polygons:
            shapes.append({"type": "polygon", "points": [[lat, lon] for lat, lon in polygon]})
        for lat, lon, radius_km in area.circles:
            shapes.append({"type": "circle", "lat": lat, "lon": lon, "radius_m": radius_km * 1000})
        for name, value in area.geocodes:
            shapes.append({"type": "geocode", "name": name, "value": value})
    return shapes


def _existing(sender: str, identifier: str) -> Alert | None:
    return Alert.objects.filter(sender=sender, identifier=identifier).first()


def alerts_uploaded(*, name: str, report: Any, by: Any, request: Any = None) -> None:
    """Record who uploaded which file in the back office and what it brought."""
    audit_record(
        action="safety.alerts_uploaded",
        actor=by,
        detail={
            "file": name[:200],
            "created": report.created[:50],
            "unchanged": len(report.unchanged),
            "skipped": report.skipped,
            "refused": len(report.refused),
        },
        request=request,
    )


def cap_import(*, data: bytes, origin: str) -> ImportResult:
    """Store one outside CAP document (raises `CapError` with the reason when it is refused).
    The same document again changes nothing."""
    message = parse_cap(data)
    existing = _existing(message.sender, message.identifier)
    if existing is not None:
        return ImportResult(existing, False)
    alert, region_texts = _alert_from_cap(message, origin=origin)
    return _store(alert, region_texts=region_texts)


def _alert_from_cap(message: CapMessage, *, origin: str) -> tuple[Alert, list[str]]:
    """The alert and the region names (area descriptions, geocodes) to find our dongs by."""
    best = _best_infos(message.infos)
    primary = (
        best.get("ko") or best.get("en") or best.get("zh") or (message.infos[0] if message.infos else None)
    )
    areas = _areas_of(primary)
    fallback = (primary.headline or primary.event) if primary else (message.note or message.identifier)
    alert = Alert(
        identifier=message.identifier[:200],
        sender=message.sender[:200],
        sent=message.sent,
        status=message.status,
        msg_type=message.msg_type,
        scope=message.scope,
        references=[",".join(ref) for ref in message.references],
        hazard=hazard_for(
            primary.event if primary else "",
            primary.headline if primary else "",
            codes=primary.event_codes if primary else (),
        ),
        event=(primary.event if primary else "")[:200],
        category=(primary.categories[0] if primary and primary.categories else "Other")[:20],
        urgency=primary.urgency if primary else "Unknown",
        severity=primary.severity if primary else "Unknown",
        certainty=primary.certainty if primary else "Unknown",
        headline_ko=((best["ko"].headline or best["ko"].event) if "ko" in best else fallback)[:200],
        effective=primary.effective if primary else None,
        onset=primary.onset if primary else None,
        expires=primary.expires if primary else None,
        area_desc="; ".join(a.description for a in primary.areas)[:300] if primary else "",
        areas=areas,
        origin=origin[:300],
        raw_xml=message.raw_xml,
    )
    for key in ("en", "zh"):
        if key in best:
            setattr(alert, f"headline_{key}", (best[key].headline or best[key].event)[:200])
    for key, info in best.items():
        setattr(alert, f"description_{key}", info.description)
        setattr(alert, f"instruction_{key}", info.instruction)
    if "ko" not in best and primary is not None and _language_key(primary.language) is None:
        alert.description_ko, alert.instruction_ko = primary.description, primary.instruction
    texts = [a.description for a in primary.areas] if primary else []
    texts += [shape["value"] for shape in areas if shape["type"] == "geocode"]
    return alert, texts


def _store(alert: Alert, *, region_texts: list[str]) -> ImportResult:
    now = timezone.now()
    alert.state = (
        Alert.State.PUBLISHED if (alert.expires is None or alert.expires > now) else Alert.State.EXPIRED
    )
    alert.published_at = now
    if alert.references:
        sender, identifier = alert.references[-1].split(",")[:2]
        alert.supersedes = _existing(sender, identifier)
    try:
        with transaction.atomic():
            alert.save()
            dongs = _district_dongs(region_texts, alert.areas)
            alert.dongs.set(dongs)
            _close_earlier(alert)
            audit_record(
                action="safety.alert_imported",
                target=alert,
                detail={"origin": alert.origin, "msg_type": alert.msg_type, "dongs": [d.code for d in dongs]},
            )
            # Residents hear of it when it covers our dongs, or updates or ends an alert that did.
            concerns_us = bool(dongs) or (alert.supersedes is not None and alert.supersedes.dongs.exists())
            if alert.state == Alert.State.PUBLISHED and alert.status == "Actual" and concerns_us:
                alert_published(alert)
            elif alert.msg_type != "Alert":
                transaction.on_commit(invalidate_banner)
    except IntegrityError:
        # Imported at the same moment by another worker: theirs stands.
        existing = _existing(alert.sender, alert.identifier)
        if existing is None:
            raise
        return ImportResult(existing, False)
    return ImportResult(alert, True)


def external_import(*, item: ExternalAlert, origin: str) -> ImportResult | None:
    """Store an alert from a non-CAP feed (see `cap.adapters`) when its regions cover our district
    (None otherwise); the same item again changes nothing."""
    existing = _existing(item.sender, item.identifier)
    if existing is not None:
        return ImportResult(existing, False)
    if not _district_dongs(item.regions, []):
        return None
    alert = Alert(
        identifier=item.identifier[:200],
        sender=item.sender[:200],
        sent=item.sent,
        msg_type=item.msg_type,
        references=item.references,
        hazard=item.hazard or hazard_for(item.event, item.headline_ko),
        event=item.event[:200],
        category=item.category,
        urgency=item.urgency,
        severity=item.severity,
        certainty="Observed",
        headline_ko=item.headline_ko[:200],
        description_ko=item.description_ko,
        effective=item.effective,
        expires=item.expires,
        area_desc=", ".join(item.regions)[:300],
        origin=origin[:300],
        raw_xml=item.raw,
    )
    return _store(alert, region_texts=item.regions)
