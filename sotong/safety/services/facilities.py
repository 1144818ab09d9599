"""Writes to the facility registry and the map layers' stewardship."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.accounts.models import User
from sotong.accounts.roles import Role
from sotong.core.geo import distance_m
from sotong.core.notifications import notify_staff
from sotong.organisation.models import Dong
from sotong.organisation.selectors import staff_with_role
from sotong.safety.importers import FORMATS
from sotong.safety.importers.common import FacilityRecord, ImportFileError, ImportReport, RowProblem
from sotong.safety.models import Facility, MapLayer

# A facility belongs to the nearest dong's centre when it is this close; farther, it is outside
# the district (a national file holds the whole country) and gets no dong. Yeongdeungpo's dong
# centres are 0.5-1.5 km apart.
DONG_RADIUS_M = 2_000


@dataclass(frozen=True)
class _DongCentre:
    pk: int
    lat: float
    lon: float


def _dong_centres() -> list[_DongCentre]:
    return [
        _DongCentre(pk, float(lat), float(lon))
        for pk, lat, lon in Dong.objects.values_list("pk", "lat", "lon")
    ]


def nearest_dong_id(lat: float, lon: float, centres: list[_DongCentre]) -> int | None:
    best: tuple[float, int] | None = None
    for centre in centres:
        d = distance_m(lat, lon, centre.lat, centre.lon)
        if best is None or d < best[0]:
            best = (d, centre.pk)
    return best[1] if best and best[0] <= DONG_RADIUS_M else None


def facilities_import(
    *,
    data: bytes,
    fmt: str,
    source: str = "",
    dry_run: bool = False,
    strict: bool = False,
    full: bool = False,
) -> ImportReport:
    """Parse a whole file, then apply it in one transaction: rows update in place by (source,
    source id), closed rows deactivate their facility, bad rows are reported and skipped (with
    `strict`, any bad row cancels the whole import). With `full` the file is the source's whole list:
    its active facilities missing from the file are deactivated; a file with a bad row or no row at
    all is then refused, since either would deactivate places that still exist. A dry run reports
    without writing."""
    if fmt not in FORMATS:
        raise ImportFileError(_("알 수 없는 형식입니다: %(format)s") % {"format": fmt})
    parse, default_source = FORMATS[fmt]
    parsed = parse(data)
    report = ImportReport(problems=list(parsed.problems), dry_run=dry_run)
    if full and not parsed.records and not parsed.problems:
        raise ImportFileError(_("파일이 비어 있습니다."))
    if (strict or full) and parsed.problems:
        raise ImportFileError(
            _("잘못된 행이 있어 아무것도 가져오지 않았습니다:")
            + "\n"
            + "\n".join(str(p) for p in parsed.problems)
        )
    source = (source or default_source)[:40]
    with transaction.atomic():
        _apply(parsed.records, source=source, report=report)
        if full:
            report.deactivated += _deactivate_missing(source, {r.source_id for r in parsed.records})
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply(records: list[FacilityRecord], *, source: str, report: ImportReport) -> None:
    centres = _dong_centres()
    existing = {
        f.source_id: f
        for f in Facility.objects.filter(source=source, source_id__in=[r.source_id for r in records])
    }
    today = timezone.localdate()
    # A file listing one place twice: the later row updates what the earlier one created.
    for record in records:
        facility = existing.get(record.source_id)
        if record.closed:
            if facility is not None and facility.is_active:
                facility.is_active = False
                facility.save(update_fields=["is_active", "updated_at"])
                report.deactivated += 1
            else:
                report.skipped_closed += 1
            continue
        values = {k: v for k, v in record.values.items() if v is not None}
        values.setdefault("checked_on", today)
        if "lat" in values:
            values["dong_id"] = nearest_dong_id(values["lat"], values["lon"], centres)
        creating = facility is None
        if facility is None:
            facility = Facility(source=source, source_id=record.source_id)
        else:
            values["is_active"] = True
        changed = [k for k, v in values.items() if getattr(facility, k) != v and k != "checked_on"]
        for key, value in values.items():
            setattr(facility, key, value)
        try:
            facility.full_clean(exclude=["dong"], validate_unique=False)
        except ValidationError as exc:
            reasons = "; ".join(
                f"{field}: {' '.join(map(str, errors))}" for field, errors in exc.message_dict.items()
            )
            report.problems.append(RowProblem(line=record.line, reason=reasons))
            if not creating:
                facility.refresh_from_db()
            continue
        if creating:
            facility.save()
            existing[record.source_id] = facility
            report.created += 1
        elif changed:
            facility.save(update_fields=[*values.keys(), "updated_at"])
            report.updated += 1
        else:
            report.unchanged += 1


def _deactivate_missing(source: str, listed: set[str]) -> int:
    """Deactivate the source's active facilities that the file no longer lists."""
    missing = [
        pk
        for pk, source_id in Facility.objects.filter(source=source, is_active=True).values_list(
            "pk", "source_id"
        )
        if source_id not in listed
    ]
    now = timezone.now()
    for start in range(0, len(missing), 500):
        Facility.objects.filter(pk__in=missing[start : start + 500]).update(is_active=False, updated_at=now)
    return len(missing)


def _stale_since(layer: MapLayer) -> date | None:
    if layer.reviewed_on is None:
        return None
    return layer.reviewed_on + timedelta(days=layer.review_every_days)


def _due(layer: MapLayer, today: date) -> bool:
    """Stale, and not yet told about in this staleness period."""
    if not layer.is_stale(today):
        return False
    notified = layer.stale_notified_on
    if notified is None:
        return True
    since = _stale_since(layer)
    if since is not None and notified < since:
        return True  # told about an earlier staleness, reviewed since, stale again
    return (today - notified).days >= layer.review_every_days


def layer_recipients(layer: MapLayer) -> list[User]:
    if layer.steward_id and layer.steward is not None and layer.steward.is_active:
        return [layer.steward]
    for role in (Role.OFFICER, Role.DEPARTMENT_LEAD):
        people = list(staff_with_role(role=role, department=layer.department))
        if people:
            return people
    return []


def layers_remind_stale(*, today: date | None = None) -> int:
    """Tell each stale layer's steward (or its department's officers) once per staleness period."""
    today = today or timezone.localdate()
    told = 0
    layers = MapLayer.objects.select_related("department", "steward").order_by("pk")
    for layer in layers:
        if not _due(layer, today):
            continue
        with transaction.atomic():
            locked = MapLayer.objects.select_for_update().get(pk=layer.pk)
            if locked.stale_notified_on != layer.stale_notified_on:
                continue  # another worker got there first
            if layer.reviewed_on:
                months = max(1, (today - layer.reviewed_on).days // 30)
                body = _(
                    "%(months)d개월 전에 마지막으로 점검했습니다. 자료를 확인하고 점검일을 고쳐 주세요."
                ) % {"months": months}
            else:
                body = _("점검한 기록이 없습니다. 자료를 확인하고 점검일을 적어 주세요.")
            for person in layer_recipients(layer):
                notify_staff(
                    user=person,
                    title=_("지도 레이어 점검 필요: %(name)s") % {"name": layer.name_ko},
                    body=body,
                    url=_layer_edit_url(layer),
                    level="warning",
                )
            locked.stale_notified_on = today
            locked.save(update_fields=["stale_notified_on"])
            told += 1
    return told


def _layer_edit_url(layer: MapLayer) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("wagtailsnippets_safety_maplayer:edit", args=[layer.pk])
    except NoReverseMatch:
        return ""
