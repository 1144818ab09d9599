"""Alerts from outside: CAP documents and feeds, and the Korean feeds that are not CAP (기상청 특보,
재난문자). Reading and converting is `cap`'s job (`cap.sources` yields what a source holds); here each item
is stored once, tied to the dongs it covers, and fanned out when it concerns the district."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from sotong.accounts.models import User
from sotong.core.audit import audit_record
from sotong.organisation.models import Dong
from sotong.organisation.selectors import current_district
from sotong.safety.cap.external import ExternalAlert
from sotong.safety.cap.mapping import hazard_for, points_inside, region_dongs
from sotong.safety.cap.parse import CapInfo, CapMessage, parse_cap
from sotong.safety.cap.sources import CapDocument, Refused, SourceItem, items_from_data, items_from_source
from sotong.safety.models import Alert
from sotong.safety.selectors.alerts import invalidate_banner
from sotong.safety.services.alerts import alert_published, close_earlier, reference_of

SEVERITY_RANK = {"Extreme": 4, "Severe": 3, "Moderate": 2, "Minor": 1, "Unknown": 0}


@dataclass
class ImportResult:
    alert: Alert
    created: bool


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: int = 0  # items of a Korean feed for other regions
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)


def import_source(source: str, *, fmt: str = "auto") -> ImportReport:
    """Import one document, feed or API response (a path or an http(s) URL); bad items are refused one by
    one with their reason."""
    return _import_items(items_from_source(source, fmt=fmt))


def import_data(data: bytes, *, where: str, fmt: str = "auto", feed_base: str | None = None) -> ImportReport:
    """Import bytes already read (a file, an upload, a fetched response). A feed's links are fetched only
    when the feed itself came from a URL (`feed_base`), and only on that URL's host."""
    return _import_items(items_from_data(data, where=where, fmt=fmt, feed_base=feed_base))


def _import_items(items: Iterable[SourceItem]) -> ImportReport:
    # One item at a time as the source yields it: a feed's next document is fetched after this one is stored.
    report = ImportReport()
    for item in items:
        if isinstance(item, Refused):
            report.refused.append((item.where, item.reason))
            continue
        if isinstance(item, CapDocument):
            result: ImportResult | None = cap_store(message=item.message, origin=item.where)
        else:
            result = external_import(item=item.alert, origin=item.where)
        if result is None:
            report.skipped += 1
        else:
            (report.created if result.created else report.unchanged).append(result.alert.pk)
    return report


def alerts_uploaded(*, name: str, report: ImportReport, by: User, request: HttpRequest | None = None) -> None:
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


def cap_import(*, data: bytes, origin: str) -> ImportResult:
    """Store one outside CAP document (raises `CapError` with the reason when it is refused).
    The same document again changes nothing."""
    return cap_store(message=parse_cap(data), origin=origin)


def cap_store(*, message: CapMessage, origin: str) -> ImportResult:
    """Store one outside CAP message, parsed and checked by `cap.parse`; the same message again changes
    nothing."""
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
            close_earlier(alert=alert)
            audit_record(
                action="safety.alert_imported",
                target=alert,
                detail={"origin": alert.origin, "msg_type": alert.msg_type, "dongs": [d.code for d in dongs]},
            )
            # Residents hear of it when it covers our dongs, or updates or ends an alert that did.
            concerns_us = bool(dongs) or (alert.supersedes is not None and alert.supersedes.dongs.exists())
            if alert.state == Alert.State.PUBLISHED and alert.status == "Actual" and concerns_us:
                alert_published(alert=alert)
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
    references = list(item.references)
    if item.refers_to_latest:
        # A feed that does not say which message it updates (KMA's rows per warning zone): the latest one
        # we hold from that sender for the same zone.
        earlier = (
            Alert.objects.filter(sender=item.sender, identifier__endswith=item.refers_to_latest)
            .order_by("-sent")
            .first()
        )
        if earlier is not None:
            references.append(reference_of(earlier))
    alert = Alert(
        identifier=item.identifier[:200],
        sender=item.sender[:200],
        sent=item.sent,
        msg_type=item.msg_type,
        references=references,
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
