"""Residents' e-mail: a new message becomes a case; an answer to one of our messages joins its case.

An answer is recognised by the thread (In-Reply-To/References naming a message of the case), the
plus-address tag of our Reply-To (sotong+2026-000123@…) or the case number in the subject, and is
accepted only from the address the case was filed with. The same message delivered twice is stored once.
"""

from __future__ import annotations

import logging
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from sotong.connectors.email.inbound import InboundEmail, RefusedEmail, parse_email
from sotong.connectors.models import Delivery
from sotong.connectors.registry import register_inbound
from sotong.core.crypto import digest
from sotong.voice.choices import Channel
from sotong.voice.models import Case, CaseMessage
from sotong.voice.services.intake import Photo, Submission, case_add_resident_message, case_receive
from sotong.voice.uploads import MAX_PHOTOS, clean_photo

logger = logging.getLogger(__name__)

CASE_NUMBER = re.compile(r"(?<![\d-])(\d{4}-\d{6})(?![\d-])")
# Stored as the case's text when a resident sends only photos, without a subject or a word.
PHOTOS_ONLY = "(사진 첨부)"


def receive_email(raw: bytes) -> Case | None:
    """Store an e-mail from a resident; returns its case, or None when the message was not taken in."""
    try:
        mail = parse_email(raw)
    except RefusedEmail as exc:
        logger.info("inbound e-mail refused: %s", exc)
        return None
    photos = _photos(mail)
    case = _answered_case(mail)
    if case is not None:
        case_add_resident_message(
            case=case,
            text=mail.text or mail.subject or (PHOTOS_ONLY if photos else ""),
            channel=Channel.EMAIL,
            external_id=mail.external_id,
            photos=photos,
        )
        return case
    text = mail.text or mail.subject or (PHOTOS_ONLY if photos else "")
    if not text.strip():
        logger.info("inbound e-mail without subject, text or photo ignored")
        return None
    case, _ = case_receive(
        submission=Submission(
            channel=Channel.EMAIL,
            external_id=mail.external_id,
            text=text,
            title=mail.subject,
            contact_email=mail.sender,
            contact_name=mail.sender_name,
            # The resident wrote to us and expects the answer by e-mail.
            consent_contact=True,
            channel_user=digest(f"email:{mail.sender}"),
            message_id=mail.message_id,
            photos=photos,
        )
    )
    return case


def _photos(mail: InboundEmail) -> list[Photo]:
    photos: list[Photo] = []
    for image in mail.images[:MAX_PHOTOS]:
        try:
            # No consent to use a photo's location comes with an e-mail: it is dropped.
            photos.append(
                clean_photo(ContentFile(image.content, name=image.name or "photo"), keep_location=False)
            )
        except ValidationError:
            logger.info("inbound e-mail: skipped an attachment that is not a usable photo")
    return photos


def _from_resident(case: Case, sender: str) -> bool:
    # Filed by e-mail, the digest is the address's; filed on the homepage with a phone number too,
    # it is the phone's, and the address is compared itself.
    return bool(case.contact_digest) and (
        case.contact_digest == digest(sender) or case.contact_email.strip().lower() == sender
    )


def _answered_case(mail: InboundEmail) -> Case | None:
    """The case this message answers, when it comes from that case's resident."""
    seen: set[int] = set()

    def first_from_resident(pks: list[int]) -> Case | None:
        for pk in pks:
            if pk in seen:
                continue
            seen.add(pk)
            case = Case.objects.select_related("department").get(pk=pk)
            if _from_resident(case, mail.sender):
                return case
        return None

    # The tag of our Reply-To and the number in the subject first (an indexed look-up), then the thread.
    numbers = [tag for tag in mail.tags if CASE_NUMBER.fullmatch(tag)] + CASE_NUMBER.findall(mail.subject)
    if numbers:
        by_number = dict(Case.objects.filter(number__in=numbers).values_list("number", "pk"))
        case = first_from_resident([by_number[n] for n in numbers if n in by_number])
        if case is not None:
            return case
    ids = mail.thread_ids
    if not ids:
        return None
    pks = list(CaseMessage.objects.filter(external_id__in=ids).values_list("case_id", flat=True))
    ours = Delivery.objects.filter(channel="email", external_id__in=ids).values_list("subject", flat=True)
    message_pks = [int(s.split(":")[1]) for s in ours if re.fullmatch(r"voice\.casemessage:\d+", s)]
    pks += CaseMessage.objects.filter(pk__in=message_pks).values_list("case_id", flat=True)
    return first_from_resident(pks)


register_inbound("email", receive_email)
