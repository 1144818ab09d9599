"""What an ingest front (nginx-rtmp's on_publish / on_publish_done, or the embedded `sotong tv`
process) reports, and its answer: may this encoder publish, and as which public stream name.

The public stream name is ``b<broadcast id>``: the key never appears in a playlist's address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sotong.core.ratelimit import Limit, hit
from sotong.tv.choices import BroadcastState, IngestOutcome
from sotong.tv.models import Broadcast, IngestAttempt
from sotong.tv.services.keys import KEY_MAX_LENGTH, key_digest


@dataclass(frozen=True)
class Decision:
    outcome: str
    broadcast: Broadcast | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome == IngestOutcome.ACCEPTED

    @property
    def stream_name(self) -> str:
        return stream_name(self.broadcast) if self.broadcast is not None else ""


def stream_name(broadcast: Broadcast) -> str:
    return f"b{broadcast.pk}"


def publish_window() -> tuple[timedelta, timedelta]:
    """How long before its planned start an encoder may go live (rehearsal, the countdown slate) and how
    long after its planned end a broadcast still takes an encoder (a show that overruns)."""
    return (
        timedelta(minutes=settings.TV_PUBLISH_EARLY_MINUTES),
        timedelta(minutes=settings.TV_PUBLISH_LATE_MINUTES),
    )


# Refusals recorded per encoder address: past this, a flood of attempts (a scanner on the RTMP port) is
# refused without a row each, so it cannot fill the database.
RECORDED_REFUSALS = Limit("tv-ingest-refusals", count=20, seconds=600)
STREAM_NAME = re.compile(r"b([0-9]{1,12})")


def _find(raw_key: str) -> Broadcast | None:
    if not raw_key or len(raw_key) > KEY_MAX_LENGTH:
        return None
    return Broadcast.objects.select_for_update().filter(stream_key_digest=key_digest(raw_key)).first()


@transaction.atomic
def publish_start(raw_key: str, *, remote_addr: str | None = None, ingest: str = "") -> Decision:
    """An encoder asks to publish with ``raw_key``: accepted only for a usable key of a broadcast that
    is on the schedule now (or live with no encoder connected: a reconnect)."""
    broadcast = _find(raw_key)
    now = timezone.now()
    early, late = publish_window()
    if broadcast is None:
        outcome = IngestOutcome.UNKNOWN_KEY
    elif broadcast.stream_key_revoked_at is not None:
        outcome = IngestOutcome.REVOKED_KEY
    elif broadcast.state in (BroadcastState.ENDED, BroadcastState.CANCELLED) or not (
        broadcast.starts_at - early <= now <= broadcast.ends_at + late
    ):
        outcome = IngestOutcome.NOT_ON_AIR
    elif broadcast.publishing:
        outcome = IngestOutcome.ALREADY_LIVE
    else:
        outcome = IngestOutcome.ACCEPTED
        broadcast.publishing = True
        broadcast.state = BroadcastState.LIVE
        broadcast.went_live_at = broadcast.went_live_at or now
        broadcast.save(update_fields=["publishing", "state", "went_live_at", "updated_at"])
    if outcome == IngestOutcome.ACCEPTED or hit(RECORDED_REFUSALS, remote_addr or "unknown"):
        IngestAttempt.objects.create(
            broadcast=broadcast, outcome=outcome, remote_addr=remote_addr or None, ingest=ingest
        )
    return Decision(outcome, broadcast if outcome == IngestOutcome.ACCEPTED else None)


@transaction.atomic
def publish_end(raw_key: str, *, remote_addr: str | None = None, ingest: str = "") -> Decision:
    """The encoder stopped or dropped (``raw_key``: its key, or the public stream name given it). The broadcast
    stays live until the producer ends it or it runs past its planned end: the encoder may reconnect with the
    same key. (In `sotong tv` the slate fills the gap meanwhile, for TV_RECONNECT_GRACE_SECONDS: decision 0079.)"""
    named = STREAM_NAME.fullmatch(raw_key)
    if named:  # the front reports the public name it renamed the stream to
        broadcast = Broadcast.objects.select_for_update().filter(pk=int(named.group(1))).first()
    else:
        broadcast = _find(raw_key)
    if broadcast is None or not broadcast.publishing:
        return Decision(IngestOutcome.UNKNOWN_KEY if broadcast is None else IngestOutcome.NOT_ON_AIR)
    broadcast.publishing = False
    broadcast.save(update_fields=["publishing", "updated_at"])
    IngestAttempt.objects.create(
        broadcast=broadcast, outcome=IngestOutcome.ENDED, remote_addr=remote_addr or None, ingest=ingest
    )
    return Decision(IngestOutcome.ENDED, broadcast)


def live_broadcast_ids() -> list[int]:
    return list(Broadcast.objects.filter(state=BroadcastState.LIVE).values_list("pk", flat=True))


@transaction.atomic
def publishers_gone(*, ingest: str) -> int:
    """The ingest ``ingest`` (re)started or stopped: no encoder is connected to it any more. Its broadcasts
    that still say one is (it was killed before it could report their end) stop saying so, so that their
    encoders may reconnect; each gets its end recorded. The broadcasts stay live: a restarted `sotong tv`
    puts them back on air on the slate and waits the grace period for their encoders (decision 0079)."""
    gone = 0
    for broadcast in Broadcast.objects.select_for_update().filter(publishing=True):
        last = broadcast.ingest_attempts.order_by("-pk").first()
        if last is None or last.ingest != ingest:
            continue
        broadcast.publishing = False
        broadcast.save(update_fields=["publishing", "updated_at"])
        IngestAttempt.objects.create(broadcast=broadcast, outcome=IngestOutcome.ENDED, ingest=ingest)
        gone += 1
    return gone
