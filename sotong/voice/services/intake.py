"""Intake: whatever a resident sends, from any channel, becomes one stored case before anything else.

Storing is idempotent on (channel, external id): a retried webhook or a double-submitted form returns
the case made the first time. Routing and notifications run after the commit, in tasks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sotong.core.crypto import digest
from sotong.core.events import send_event_on_commit
from sotong.core.i18n import text_language
from sotong.core.queue import enqueue_on_commit
from sotong.organisation.consumers import department_group
from sotong.organisation.models import Department, Dong
from sotong.voice.choices import Kind, LocationSource, Status
from sotong.voice.deadlines import first_response_due
from sotong.voice.models import Attachment, Case, CaseCounter, CaseEvent, CaseMessage, ServiceCategory
from sotong.voice.routing import urgent

MAX_TEXT = 4000


@dataclass(frozen=True)
class Photo:
    """A photo already checked and cleaned (see voice.uploads): re-encoded bytes without metadata."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    lat: Decimal | None = None
    lon: Decimal | None = None


@dataclass
class Submission:
    channel: str
    external_id: str
    text: str
    kind: str | None = None
    title: str = ""
    category: ServiceCategory | None = None
    department: Department | None = None  # the department the resident chose to write to
    dong: Dong | None = None
    address_text: str = ""
    lat: Decimal | None = None
    lon: Decimal | None = None
    location_source: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    consent_contact: bool = False
    consent_publish: bool = False
    consent_photo_location: bool = False
    channel_user: str = ""
    photos: list[Photo] = field(default_factory=list)
    received_at: datetime | None = None
    message_id: str = ""  # the channel's id of the first message (e.g. an e-mail's Message-ID)
    request_digest: str = ""  # what a client that names its requests sent (see Case.request_digest)


def _increment(year: int) -> int | None:
    """The year's next number, or None when the year has no counter yet. One statement: the increment
    locks the counter row until the case is committed, so numbers never repeat."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "last" = "last" + 1 WHERE "year" = %s RETURNING "last"', [year])  # noqa: S608 - table name from the model
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _next_number(year: int) -> str:
    last = _increment(year)
    if last is None:
        try:
            with transaction.atomic():
                CaseCounter.objects.create(year=year, last=1)
                last = 1
        except IntegrityError:
            last = _increment(year)
    if last is None:  # pragma: no cover - the counter row exists by now
        raise RuntimeError(f"no case counter for {year}")
    return f"{year}-{last:06d}"


def normalise_phone(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def case_receive(*, submission: Submission) -> tuple[Case, bool]:
    """Store what the resident sent. Returns (case, created).

    No look-up first: a message seen before is rare, and the unique (channel, external id) constraint
    finds it when the insert fails (the transaction, case number included, is rolled back)."""
    try:
        with transaction.atomic():
            case = _store(submission)
    except IntegrityError:
        # This message was stored before (a retried webhook, a form sent twice).
        existing = Case.objects.filter(
            channel=submission.channel, external_id=submission.external_id[:200]
        ).first()
        if existing is None:
            raise
        return existing, False
    return case, True


def _store(s: Submission) -> Case:
    from sotong.voice.tasks import route_case

    received_at = s.received_at or timezone.now()
    text = s.text.strip()[:MAX_TEXT]
    flags = urgent.detect(f"{s.title}\n{text}")
    phone = normalise_phone(s.contact_phone) if s.consent_contact else ""
    email = s.contact_email.strip().lower() if s.consent_contact else ""
    location_source = s.location_source
    lat, lon = s.lat, s.lon
    photo_location = (
        next((p for p in s.photos if p.lat is not None), None) if s.consent_photo_location else None
    )
    if lat is None and photo_location is not None:
        lat, lon, location_source = photo_location.lat, photo_location.lon, LocationSource.PHOTO
    if not location_source:
        location_source = LocationSource.PIN if lat is not None else LocationSource.DONG if s.dong else ""
    case = Case.objects.create(
        number=_next_number(received_at.astimezone(timezone.get_default_timezone()).year),
        channel=s.channel,
        external_id=s.external_id[:200],
        request_digest=s.request_digest[:64],
        channel_user=s.channel_user[:200],
        kind=s.kind or (s.category.kind if s.category else Kind.REPORT),
        category=s.category,
        requested_department=s.department,
        title=s.title.strip()[:200],
        text=text,
        language=text_language(text),
        dong=s.dong,
        address_text=s.address_text.strip()[:200],
        lat=lat,
        lon=lon,
        location_source=location_source,
        contact_name=s.contact_name.strip()[:60] if s.consent_contact else "",
        contact_phone=phone,
        contact_email=email,
        contact_digest=digest(phone or email) if (phone or email) else "",
        consent_contact=s.consent_contact,
        consent_publish=s.consent_publish,
        consent_photo_location=s.consent_photo_location,
        status=Status.RECEIVED,
        urgent=flags.urgent,
        life_risk=flags.life_risk,
        urgent_reason=", ".join(flags.reasons)[:200],
        received_at=received_at,
        first_response_due=first_response_due(channel=s.channel, received_at=received_at),
    )
    CaseMessage.objects.create(
        case=case,
        direction=CaseMessage.Direction.INBOUND,
        body=text,
        channel=s.channel,
        external_id=s.message_id[:200],
        created_at=received_at,
    )
    CaseEvent.objects.create(
        case=case, kind="received", detail={"channel": s.channel}, public=True, at=received_at
    )
    for photo in s.photos:
        _attach(case, photo, keep_location=s.consent_photo_location)
    enqueue_on_commit(route_case.using(queue_name="urgent" if case.urgent else "default"), case_id=case.pk)
    return case


def _attach(case: Case, photo: Photo, *, keep_location: bool) -> Attachment | None:
    """Store a cleaned photo with the case, once: the same picture sent again is not stored twice."""
    sha = hashlib.sha256(photo.content).hexdigest()
    if case.attachments.filter(sha256=sha).exists():
        return None
    attachment = Attachment(
        case=case,
        content_type=photo.content_type,
        size=len(photo.content),
        width=photo.width,
        height=photo.height,
        sha256=sha,
        lat=photo.lat if keep_location else None,
        lon=photo.lon if keep_location else None,
    )
    attachment.file.save(
        f"{case.number}-{sha[:12]}.{photo.extension}", ContentFile(photo.content), save=False
    )
    attachment.save()
    return attachment


def case_add_resident_message(
    *, case: Case, text: str, channel: str, external_id: str, photos: Sequence[Photo] = ()
) -> bool:
    """The resident wrote again on their case (e.g. an e-mail answering ours): one inbound message with its
    photos, stored once per ``external_id``, and the officers' inbox told. False when that message was
    stored already or brings neither words nor photos."""
    external_id = external_id[:200]
    body = text.strip()[:MAX_TEXT]
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("department").get(pk=case.pk)
        if CaseMessage.objects.filter(
            case=case, direction=CaseMessage.Direction.INBOUND, external_id=external_id
        ).exists():
            return False
        if not body:
            return False
        CaseMessage.objects.create(
            case=case,
            direction=CaseMessage.Direction.INBOUND,
            body=body,
            channel=channel,
            external_id=external_id,
        )
        for photo in photos:
            # A resident's later message carries no consent to use a photo's location.
            _attach(case, photo, keep_location=False)
        CaseEvent.objects.create(
            case=case, kind="resident_replied", detail={"channel": channel, "photos": len(photos)}
        )
        case.save(update_fields=["updated_at"])
        event = {"type": "case.changed", "case": case.number, "status": case.status}
        if case.department is not None:
            send_event_on_commit(department_group(case.department.code), event)
        send_event_on_commit(f"case.{case.number}", event)
    return True
