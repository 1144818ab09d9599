"""The alert fan-out: one notice each for everyone an alert reaches (`selectors.subscribers`), sent on
their channel.

Ledger. The matched subscribers are taken in chunks (by subscriber id); each chunk's `AlertNotice`
rows are inserted first (unique per alert and subscriber, conflicts ignored). A chunk is sent by
whoever takes it — the planning run itself, or (`enqueue_chunk`, what the task does) a
`send_alert_chunk` task that any worker may run — and sending starts by claiming the chunk's notices
that are not delivered, not failed for good and not held by another run: one UPDATE sets a random
token and a lease (`claimed_until`), and only the notices carrying this run's token are sent. Two
workers taking the same chunk, or a chunk run twice, therefore send nobody twice; a run that died
leaves its claim to expire, after which a new run sends those notices (at least once, never lost).
Only alerts whose CAP status is in SAFETY_NOTIFY_STATUSES (Actual by default), that are still published
and have not expired.

Sending. Web Push goes straight from here, concurrently, from one event loop and one keep-alive pool
per run (connectors.webpush.sender.PushSender): the outbox's row-per-message path with a task per
message would cost far more than the minute 100,000 pushes are given. E-mail and SMS go through the
outbox (`delivery_enqueue`, one delivery per notice, its own retries), in the subscriber's language
(`services.notices`).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from sotong.connectors.outbox import delivery_enqueue
from sotong.connectors.webpush.sender import Push, PushResult, PushSender, new_event_loop, payload_bytes
from sotong.connectors.webpush.vapid import configured_signer
from sotong.safety.models import Alert, AlertNotice, Subscriber
from sotong.safety.selectors.subscribers import PERMANENT, matching_subscriber_ids
from sotong.safety.services.notices import email_text, message_for, root_id, sms_text

logger = logging.getLogger(__name__)

CHUNK = 5000
# A run stops starting chunks (a chunk run stops starting pushes) after this long and the task continues
# in a fresh run (the ledger makes that safe): RQ kills an urgent job at 120 s
# (RQ_QUEUES["urgent"]["DEFAULT_TIMEOUT"]).
TIME_BUDGET = 90.0
# How long a run holds the notices it claimed: longer than a chunk run can last (its time budget, the
# last requests' timeouts), so that a claim runs out only when its run is gone.
CLAIM_SECONDS = 300


@dataclass
class FanoutReport:
    alert_id: int
    matched: int = 0
    notices: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    gone: int = 0
    skipped: str = ""
    chunks: int = 0
    match_seconds: float = 0.0
    seconds: float = 0.0
    unfinished: bool = False

    def count(self, channel: str, n: int = 1) -> None:
        self.sent[channel] = self.sent.get(channel, 0) + n

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def skip_reason(alert: Alert, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if alert.state in (Alert.State.CANCELLED, Alert.State.SUPERSEDED):
        # The later message reaches everyone this one reached or was about to (matching_subscriber_ids).
        return f"the alert was {alert.state} meanwhile; the later message goes out instead"
    if alert.state != Alert.State.PUBLISHED:
        return f"the alert is {alert.state}, not published"
    if alert.status not in settings.SAFETY_NOTIFY_STATUSES:
        return f"CAP status {alert.status} is not sent to residents (SAFETY_NOTIFY_STATUSES)"
    if alert.msg_type not in ("Alert", "Update", "Cancel"):
        return f"CAP msgType {alert.msg_type} is not a warning"
    if alert.msg_type != "Cancel" and alert.expires is not None and alert.expires <= now:
        return "the alert has expired"
    return ""


# A notice still unsent this long after it was written, and held by no live run, belongs to a fan-out
# that stopped (a worker died with its chunk, a push service failed for a while): the sweep runs the
# fan-out again. Claims last CLAIM_SECONDS, so nothing live is older. After RESUME_WITHIN (the pushes'
# TTL) a late notice would be pointless.
RESUME_AFTER = timedelta(seconds=CLAIM_SECONDS)
RESUME_WITHIN = timedelta(hours=6)


def stalled_alert_ids(*, now: datetime | None = None) -> list[int]:
    """Alerts with notices that nobody is sending and that are due (see RESUME_AFTER)."""
    now = now or timezone.now()
    return sorted(
        set(
            AlertNotice.objects.filter(
                delivered_at__isnull=True,
                created_at__lt=now - RESUME_AFTER,
                created_at__gte=now - RESUME_WITHIN,
            )
            .exclude(failed__startswith=PERMANENT)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .values_list("alert_id", flat=True)
        )
    )


def _due(alert_id: int, first: int, last: int, *, now: datetime) -> QuerySet[AlertNotice]:
    """A chunk's notices still to send: not delivered, not failed for good, not held by a live run."""
    return (
        AlertNotice.objects.filter(
            alert_id=alert_id, subscriber_id__gte=first, subscriber_id__lte=last, delivered_at__isnull=True
        )
        .exclude(failed__startswith=PERMANENT)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


class _Sending:
    """What sending one alert needs, made once per run: its message in each language, an event loop
    and, with Web Push on, a push sender with its keep-alive connections."""

    def __init__(self, alert: Alert, sender_factory: Callable[[], PushSender] | None = None) -> None:
        self.alert = alert
        self.tag = f"alert-{root_id(alert)}"
        self.messages: dict[str, dict[str, Any]] = {}
        self.payloads: dict[str, bytes] = {}
        self.loop = new_event_loop()
        self.sender: PushSender | None = None
        if settings.WEBPUSH_ENABLED and settings.WEBPUSH_VAPID_PRIVATE_KEY:
            self.sender = (sender_factory or _default_sender)()
            self.loop.run_until_complete(self.sender.__aenter__())

    def message(self, language: str) -> dict[str, Any]:
        if language not in self.messages:
            self.messages[language] = message_for(self.alert, language, tag=self.tag)
            self.payloads[language] = payload_bytes(self.messages[language])
        return self.messages[language]

    def payload(self, language: str) -> bytes:
        if language not in self.payloads:
            self.message(language)
        return self.payloads[language]

    def close(self) -> None:
        try:
            if self.sender is not None:
                self.loop.run_until_complete(self.sender.__aexit__(None, None, None))
        finally:
            self.loop.close()


def _default_sender() -> PushSender:
    return PushSender(configured_signer(), concurrency=settings.WEBPUSH_CONCURRENCY)


def fan_out(
    *,
    alert: Alert,
    chunk_size: int | None = None,
    sender_factory: Callable[[], PushSender] | None = None,
    time_budget: float | None = None,
    enqueue_chunk: Callable[[int, int], None] | None = None,
) -> FanoutReport:
    """Notify everyone concerned who has not been notified yet: write each chunk's notices, then send
    the chunk here or, with `enqueue_chunk(first, last)`, hand it on (a lone chunk is sent here all the
    same). `unfinished` in the report: the time budget ran out with subscribers left, and the caller
    should run it again."""
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
    chunks = list(_chunks(ids, chunk_size or CHUNK))
    hand_on = enqueue_chunk is not None and len(chunks) > 1
    budget = TIME_BUDGET if time_budget is None else time_budget
    sending: _Sending | None = None
    try:
        for index, chunk in enumerate(chunks):
            # At least one chunk per run, so a continuation always makes progress.
            if index and time.perf_counter() - started > budget:
                report.unfinished = True
                break
            first, last = chunk[0], chunk[-1]
            AlertNotice.objects.bulk_create(
                [AlertNotice(alert=alert, subscriber_id=sid) for sid in chunk], ignore_conflicts=True
            )
            if hand_on:
                assert enqueue_chunk is not None
                if _due(alert.pk, first, last, now=timezone.now()).exists():
                    enqueue_chunk(first, last)
                    report.chunks += 1
                continue
            sending = sending or _Sending(alert, sender_factory)
            _send_chunk(alert, first, last, report, sending)
    finally:
        if sending is not None:
            sending.close()
    report.seconds = round(time.perf_counter() - started, 3)
    logger.info(
        "alert %s fanned out: %s matched, %s chunks handed on, %s notices, sent %s, %s failed, %s gone",
        alert.pk,
        report.matched,
        report.chunks,
        report.notices,
        report.sent,
        report.failed,
        report.gone,
    )
    return report


def send_chunk(
    *,
    alert: Alert,
    first: int,
    last: int,
    sender_factory: Callable[[], PushSender] | None = None,
    time_budget: float | None = None,
) -> FanoutReport:
    """Send one chunk's notices (subscribers `first`..`last`) that are due and held by no other run.
    `unfinished`: the time budget ran out before every push had started; those notices are released
    and the caller should run the chunk again."""
    report = FanoutReport(alert_id=alert.pk)
    reason = skip_reason(alert)
    if reason:
        report.skipped = reason
        return report
    started = time.perf_counter()
    sending = _Sending(alert, sender_factory)
    try:
        _send_chunk(alert, first, last, report, sending, time_budget=time_budget)
    finally:
        sending.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _send_chunk(
    alert: Alert,
    first: int,
    last: int,
    report: FanoutReport,
    sending: _Sending,
    *,
    time_budget: float | None = None,
) -> None:
    deadline = time.monotonic() + (TIME_BUDGET if time_budget is None else time_budget)
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = _due(alert.pk, first, last, now=now).update(
        claim=token, claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
    )
    if not claimed:
        return
    rows = AlertNotice.objects.filter(
        alert_id=alert.pk, subscriber_id__gte=first, subscriber_id__lte=last, claim=token
    ).values_list(
        "pk",
        "subscriber_id",
        "subscriber__channel",
        "subscriber__endpoint",
        "subscriber__p256dh",
        "subscriber__auth",
        "subscriber__language",
    )
    pushes: list[Push] = []
    subscriber_of: dict[int, int] = {}
    by_contact: dict[int, int] = {}
    refused: list[int] = []
    ttl = settings.WEBPUSH_TTL
    topic = sending.tag[:32]
    for notice, subscriber_id, channel, endpoint, p256dh, auth, language in rows:
        subscriber_of[notice] = subscriber_id
        if channel != Subscriber.Channel.WEBPUSH:
            by_contact[subscriber_id] = notice
        elif sending.sender is None:
            refused.append(notice)
        else:
            pushes.append(
                Push(
                    key=notice,
                    endpoint=endpoint,
                    p256dh=p256dh,
                    auth=auth,
                    data=sending.payload(language),
                    ttl=ttl,
                    urgency="high",
                    topic=topic,
                )
            )
    report.notices += len(subscriber_of)
    handed = _hand_to_outbox(alert, by_contact, report, sending)
    if handed:
        # Handed to the outbox, which retries and records its own delivery.
        AlertNotice.objects.filter(pk__in=handed).update(delivered_at=timezone.now())
    if refused:
        AlertNotice.objects.filter(pk__in=refused).update(
            failed=PERMANENT + "the webpush channel is not enabled", claimed_until=None
        )
        report.failed += len(refused)
    if pushes and sending.sender is not None:
        results = sending.loop.run_until_complete(sending.sender.send_all(pushes, deadline=deadline))
        _record(results, report, subscriber_of=subscriber_of)


def _hand_to_outbox(
    alert: Alert, by_contact: dict[int, int], report: FanoutReport, sending: _Sending
) -> list[int]:
    """E-mail and SMS notices become outbox deliveries (model instances here: the contact is encrypted)."""
    handed: list[int] = []
    if not by_contact:
        return handed
    subscribers = Subscriber.objects.filter(pk__in=list(by_contact)).only(
        "pk", "channel", "contact", "language", "token"
    )
    for subscriber in subscribers:
        text = sending.message(subscriber.language)
        if subscriber.channel == Subscriber.Channel.EMAIL:
            delivery_enqueue(
                channel="email",
                idempotency_key=f"safety-alert:{alert.pk}:{subscriber.pk}",
                recipient=subscriber.contact,
                subject=text["title"],
                payload={"subject": text["title"], "text": email_text(alert, text, subscriber)},
            )
            report.count("email")
        elif subscriber.channel == Subscriber.Channel.SMS:
            delivery_enqueue(
                channel="sms",
                idempotency_key=f"safety-alert:{alert.pk}:{subscriber.pk}",
                recipient=subscriber.contact,
                payload={"text": sms_text(text, subscriber.language), "purpose": "safety_alert"},
            )
            report.count("sms")
        else:
            continue
        handed.append(by_contact[subscriber.pk])
    return handed


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
        # Released: a later run tries a temporary failure again.
        AlertNotice.objects.filter(pk__in=keys).update(failed=detail, claimed_until=None)
        report.failed += len(keys)
    unsent = [r.key for r in results if r.outcome == "unsent"]
    if unsent:
        AlertNotice.objects.filter(pk__in=unsent).update(claimed_until=None)
        report.unfinished = True
