"""The alert fan-out: who has a place in an alert's area, one notice each, sent on their channel.

Matching. A subscriber matches when any of their places has a chosen dong of the alert (`place.dong in
alert.dongs`), lies in one of its polygons, or within one of its circles. Polygons and circles are
pre-filtered in SQL by their bounding box on the (lat, lon) index, then tested exactly in Python. An
update or a cancellation also reaches everyone the earlier messages of its chain reached, so nobody is
told of a warning and never told it ended. Only confirmed subscribers, and only alerts whose CAP status
is in SAFETY_NOTIFY_STATUSES (Actual by default) and that have not expired.

Ledger. Subscribers are taken in chunks; each chunk's `AlertNotice` rows are inserted first (unique per
alert and subscriber, conflicts ignored), then only notices not yet delivered (and not failed for good)
are sent. A fan-out run again after a crash therefore sends nobody twice, except the pushes in flight
when it died (at least once, never a lost alert).

Sending. Web Push goes straight from here, concurrently, from one event loop and one keep-alive pool
(connectors.webpush.adapter.PushSender): the outbox's row-per-message path with a task per message
would cost far more than the minute 100,000 pushes are given. E-mail and SMS go through the outbox
(`delivery_enqueue`, one delivery per notice, its own retries), in the subscriber's language.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.connectors.outbox import delivery_enqueue
from sotong.connectors.webpush.adapter import Push, PushResult, PushSender, new_event_loop, payload_bytes
from sotong.connectors.webpush.vapid import configured_signer
from sotong.core.geo import bounding_box, distance_m
from sotong.safety.cap.mapping import point_in_polygon
from sotong.safety.models import Alert, AlertNotice, Subscriber, SubscriberPlace

logger = logging.getLogger(__name__)

CHUNK = 5000
# A run stops starting chunks after this long and the task continues in a fresh run (the ledger makes
# that safe): RQ kills an urgent job at 120 s (RQ_QUEUES["urgent"]["DEFAULT_TIMEOUT"]).
TIME_BUDGET = 90.0
PERMANENT = "permanent: "
BODY_CHARS = 240


@dataclass
class FanoutReport:
    alert_id: int
    matched: int = 0
    notices: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    gone: int = 0
    skipped: str = ""
    match_seconds: float = 0.0
    seconds: float = 0.0
    unfinished: bool = False

    def count(self, channel: str, n: int = 1) -> None:
        self.sent[channel] = self.sent.get(channel, 0) + n


# Matching --------------------------------------------------------------------------------------------


def _in_shape(lat: float, lon: float, shape: dict[str, Any]) -> bool:
    if shape.get("type") == "circle":
        return distance_m(lat, lon, float(shape["lat"]), float(shape["lon"])) <= float(shape["radius_m"])
    if shape.get("type") == "polygon":
        return point_in_polygon(lat, lon, shape.get("points") or [])
    return False


def _shape_box(shape: dict[str, Any]) -> tuple[float, float, float, float] | None:
    """(min_lat, max_lat, min_lon, max_lon) of a shape, or None if it is not one we read."""
    try:
        if shape.get("type") == "circle":
            return bounding_box(float(shape["lat"]), float(shape["lon"]), float(shape["radius_m"]))
        if shape.get("type") == "polygon":
            points = shape.get("points") or []
            if len(points) < 3:
                return None
            lats = [float(p[0]) for p in points]
            lons = [float(p[1]) for p in points]
            return min(lats), max(lats), min(lons), max(lons)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return None


def chain_of(alert: Alert) -> list[int]:
    """The earlier alerts an update or cancellation refers to (by `supersedes` and CAP references)."""
    found: list[int] = []
    current: Alert | None = alert
    seen = {alert.pk}
    while current is not None and current.supersedes_id and current.supersedes_id not in seen:
        seen.add(current.supersedes_id)
        found.append(current.supersedes_id)
        current = Alert.objects.filter(pk=current.supersedes_id).first()
    pairs = []
    for reference in alert.references or []:
        parts = str(reference).split(",")
        if len(parts) >= 2:
            pairs.append(Q(sender=parts[0], identifier=parts[1]))
    if pairs:
        query = pairs[0]
        for extra in pairs[1:]:
            query |= extra
        found += [pk for pk in Alert.objects.filter(query).values_list("pk", flat=True) if pk not in seen]
    return found


def matching_subscriber_ids(alert: Alert) -> set[int]:
    ids: set[int] = set()
    dong_ids = list(alert.dongs.values_list("pk", flat=True))
    if dong_ids:
        ids.update(
            SubscriberPlace.objects.filter(dong_id__in=dong_ids).values_list("subscriber_id", flat=True)
        )
    for shape in alert.areas or []:
        if not isinstance(shape, dict):
            continue
        box = _shape_box(shape)
        if box is None:
            continue
        min_lat, max_lat, min_lon, max_lon = box
        candidates = (
            SubscriberPlace.objects.filter(
                lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon
            )
            .values_list("subscriber_id", "lat", "lon")
            .iterator(chunk_size=CHUNK)
        )
        ids.update(sid for sid, lat, lon in candidates if sid not in ids and _in_shape(lat, lon, shape))
    if alert.msg_type in ("Update", "Cancel"):
        earlier = chain_of(alert)
        if earlier:
            ids.update(
                AlertNotice.objects.filter(alert_id__in=earlier, delivered_at__isnull=False).values_list(
                    "subscriber_id", flat=True
                )
            )
    return ids


# Messages --------------------------------------------------------------------------------------------


def _root_id(alert: Alert) -> int:
    chain = chain_of(alert) if alert.msg_type in ("Update", "Cancel") else []
    return chain[-1] if chain else alert.pk


def _alert_path(alert: Alert) -> str:
    try:
        return reverse("safety:alert_detail", args=[alert.pk])
    except NoReverseMatch:
        return "/safety/"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_for(alert: Alert, language: str, *, tag: str) -> dict[str, Any]:
    """The notice in one language: what the service worker shows (title, body, url) and keys."""
    with translation.override(language):
        headline = alert.headline
        if alert.msg_type == "Cancel":
            title = _("[해제] %(headline)s") % {"headline": headline}
            body = _("발령되었던 특보가 해제되었습니다.")
        elif alert.msg_type == "Update":
            title = _("[갱신] %(headline)s") % {"headline": headline}
            body = alert.instruction or alert.description
        else:
            title, body = headline, alert.instruction or alert.description
        # The alerts service may have written the mark into the headline already.
        if alert.msg_type in ("Cancel", "Update"):
            mark = title.replace(headline, "").strip() if headline else ""
            if mark and headline.startswith(mark):
                title = headline
        return {
            "title": _short(title, 120),
            "body": _short(body, BODY_CHARS),
            "url": _alert_path(alert),
            "alert": alert.pk,
            "type": alert.msg_type,
            "severity": alert.severity,
            "tag": tag,
        }


def _unsubscribe_path(subscriber: Subscriber) -> str:
    try:
        return reverse("safety_api:push_unsubscribe", args=[subscriber.token])
    except NoReverseMatch:
        return f"/api/safety/push/unsubscribe/{subscriber.token}"


def _email_text(alert: Alert, message: dict[str, Any], subscriber: Subscriber) -> str:
    site = str(settings.SITE_URL).rstrip("/")
    with translation.override(subscriber.language):
        parts = [
            message["title"],
            "",
            alert.description,
            "",
            alert.instruction,
            "",
            f"{site}{message['url']}",
        ]
        parts += [
            "",
            _("알림을 그만 받으려면: %(url)s") % {"url": f"{site}{_unsubscribe_path(subscriber)}"},
        ]
    return "\n".join(part for part in parts if part is not None).strip() + "\n"


def _sms_text(message: dict[str, Any], language: str) -> str:
    site = str(settings.SITE_URL).rstrip("/")
    with translation.override(language):
        district = str(settings.SOTONG_DISTRICT_NAME)
    return f"[{district}] {message['title']}\n{message['body']}\n{site}{message['url']}"


# The fan-out -----------------------------------------------------------------------------------------


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def skip_reason(alert: Alert, *, now: Any = None) -> str:
    now = now or timezone.now()
    if alert.state not in (Alert.State.PUBLISHED, Alert.State.CANCELLED):
        return f"the alert is {alert.state}, not published"
    if alert.status not in settings.SAFETY_NOTIFY_STATUSES:
        return f"CAP status {alert.status} is not sent to residents (SAFETY_NOTIFY_STATUSES)"
    if alert.msg_type not in ("Alert", "Update", "Cancel"):
        return f"CAP msgType {alert.msg_type} is not a warning"
    if alert.msg_type != "Cancel" and alert.expires is not None and alert.expires <= now:
        return "the alert has expired"
    return ""


def fan_out(
    *,
    alert: Alert,
    chunk_size: int | None = None,
    sender_factory: Any = None,
    time_budget: float | None = None,
) -> FanoutReport:
    """Notify everyone concerned who has not been notified yet. `unfinished` in the report: the time
    budget ran out with subscribers left, and the caller should run it again."""
    report = FanoutReport(alert_id=alert.pk)
    reason = skip_reason(alert)
    if reason:
        report.skipped = reason
        logger.info("alert %s not fanned out: %s", alert.pk, reason)
        return report
    started = time.perf_counter()
    ids = sorted(matching_subscriber_ids(alert))
    report.matched = len(ids)
    report.match_seconds = round(time.perf_counter() - started, 3)
    tag = f"alert-{_root_id(alert)}"
    messages: dict[str, dict[str, Any]] = {}
    payloads: dict[str, bytes] = {}
    webpush_on = bool(settings.WEBPUSH_ENABLED and settings.WEBPUSH_VAPID_PRIVATE_KEY)

    def message(language: str) -> dict[str, Any]:
        if language not in messages:
            messages[language] = message_for(alert, language, tag=tag)
            payloads[language] = payload_bytes(messages[language])
        return messages[language]

    loop = new_event_loop()
    sender: PushSender | None = None
    try:
        if webpush_on:
            sender = (sender_factory or _default_sender)()
            loop.run_until_complete(sender.__aenter__())
        budget = TIME_BUDGET if time_budget is None else time_budget
        for index, chunk in enumerate(_chunks(ids, chunk_size or CHUNK)):
            # At least one chunk per run, so a continuation always makes progress.
            if index and time.perf_counter() - started > budget:
                report.unfinished = True
                break
            _fan_out_chunk(alert, chunk, report, message, payloads, loop, sender)
    finally:
        if sender is not None:
            loop.run_until_complete(sender.__aexit__(None, None, None))
        loop.close()
    report.seconds = round(time.perf_counter() - started, 3)
    logger.info(
        "alert %s fanned out: %s matched, %s notices, sent %s, %s failed, %s gone",
        alert.pk,
        report.matched,
        report.notices,
        report.sent,
        report.failed,
        report.gone,
    )
    return report


def _default_sender() -> PushSender:
    return PushSender(configured_signer(), concurrency=settings.WEBPUSH_CONCURRENCY)


def _fan_out_chunk(
    alert: Alert,
    chunk: list[int],
    report: FanoutReport,
    message: Any,
    payloads: dict[str, bytes],
    loop: Any,
    sender: PushSender | None,
) -> None:
    confirmed = list(Subscriber.objects.filter(pk__in=chunk, confirmed=True).values_list("pk", flat=True))
    AlertNotice.objects.bulk_create(
        [AlertNotice(alert=alert, subscriber_id=sid) for sid in confirmed], ignore_conflicts=True
    )
    due = dict(
        AlertNotice.objects.filter(alert=alert, subscriber_id__in=confirmed, delivered_at__isnull=True)
        .exclude(failed__startswith=PERMANENT)
        .values_list("subscriber_id", "pk")
    )
    report.notices += len(due)
    if not due:
        return
    pushes: list[Push] = []
    handed: list[int] = []
    refused: dict[str, list[int]] = {}
    by_contact: list[int] = []
    # Plain rows for the many browsers; model instances (decrypting the contact) only for e-mail and SMS.
    rows = Subscriber.objects.filter(pk__in=list(due)).values_list(
        "pk", "channel", "endpoint", "p256dh", "auth", "language"
    )
    for pk, channel, endpoint, p256dh, auth, language in rows:
        if channel != Subscriber.Channel.WEBPUSH:
            by_contact.append(pk)
            continue
        if sender is None:
            refused.setdefault("the webpush channel is not enabled", []).append(due[pk])
            continue
        text = message(language)
        pushes.append(
            Push(
                key=due[pk],
                endpoint=endpoint,
                p256dh=p256dh,
                auth=auth,
                data=payloads[language],
                ttl=settings.WEBPUSH_TTL,
                urgency="high",
                topic=str(text["tag"])[:32],
            )
        )
    subscribers = Subscriber.objects.filter(pk__in=by_contact).only(
        "pk", "channel", "contact", "language", "token"
    )
    for subscriber in subscribers:
        notice_id = due[subscriber.pk]
        text = message(subscriber.language)
        if subscriber.channel == Subscriber.Channel.EMAIL:
            delivery_enqueue(
                channel="email",
                idempotency_key=f"safety-alert:{alert.pk}:{subscriber.pk}",
                recipient=subscriber.contact,
                subject=text["title"],
                payload={"subject": text["title"], "text": _email_text(alert, text, subscriber)},
            )
            handed.append(notice_id)
            report.count("email")
        elif subscriber.channel == Subscriber.Channel.SMS:
            delivery_enqueue(
                channel="sms",
                idempotency_key=f"safety-alert:{alert.pk}:{subscriber.pk}",
                recipient=subscriber.contact,
                payload={"text": _sms_text(text, subscriber.language), "purpose": "safety_alert"},
            )
            handed.append(notice_id)
            report.count("sms")
    now = timezone.now()
    if handed:
        # Handed to the outbox, which retries and records its own delivery.
        AlertNotice.objects.filter(pk__in=handed).update(delivered_at=now)
    for detail, notice_ids in refused.items():
        AlertNotice.objects.filter(pk__in=notice_ids).update(failed=(PERMANENT + detail)[:200])
        report.failed += len(notice_ids)
    if pushes and sender is not None:
        results: list[PushResult] = loop.run_until_complete(sender.send_all(pushes))
        _record(results, report, subscriber_of={notice: sid for sid, notice in due.items()})


def _record(results: list[PushResult], report: FanoutReport, *, subscriber_of: dict[int, int]) -> None:
    now = timezone.now()
    delivered = [r.key for r in results if r.outcome == "delivered"]
    if delivered:
        AlertNotice.objects.filter(pk__in=delivered).update(delivered_at=now, failed="")
        Subscriber.objects.filter(pk__in=[subscriber_of[k] for k in delivered]).update(last_delivered_at=now)
        report.count("webpush", len(delivered))
    gone = [r.key for r in results if r.outcome == "gone"]
    if gone:
        # The push service says the browser unsubscribed: forget the subscription (and its notices).
        Subscriber.objects.filter(pk__in=[subscriber_of[k] for k in gone]).delete()
        report.gone += len(gone)
    failures: dict[str, list[int]] = {}
    for result in results:
        if result.outcome == "failed":
            detail = (PERMANENT if result.permanent else "") + result.detail
            failures.setdefault(detail[:200], []).append(result.key)
    for detail, keys in failures.items():
        AlertNotice.objects.filter(pk__in=keys).update(failed=detail)
        report.failed += len(keys)
