"""Live captions typed by a captioner (속기사) on the caption desk, and the producer's chapter markers.

A caption line is stored with the wall-clock moment it was sent; players place it on their media timeline
from the playlist's EXT-X-PROGRAM-DATE-TIME (decision 0077). Event, after the commit: ``caption`` to the
viewers' group, with the line's id, moment and text."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.accounts.models import User
from sotong.core.audit import audit_record
from sotong.core.events import send_event_on_commit
from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast, CaptionCue, Marker
from sotong.tv.services.chat import viewers_group

MAX_CAPTION = 300
MAX_MARKER_TITLE = 120


def _has_control(value: str) -> bool:
    # Tabs and line breaks are spacing (collapsed or kept as lines); any other control or format
    # character would show as nothing, or as a box, on viewers' screens.
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r" for ch in value)


def clean_caption(text: str) -> str:
    """A caption as it is shown: each line trimmed, empty lines dropped (a blank line would end a WebVTT cue)."""
    if _has_control(text):
        raise ValidationError(_("보이지 않는 제어 문자는 자막에 쓸 수 없습니다. 글자만 입력해 주세요."))
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines()]
    cleaned = "\n".join(line for line in lines if line)
    if not cleaned:
        raise ValidationError(_("보낼 자막을 입력해 주세요."))
    if len(cleaned) > MAX_CAPTION:
        raise ValidationError(
            _("자막은 한 번에 %(count)d자까지 보낼 수 있습니다. 나누어 보내 주세요.") % {"count": MAX_CAPTION}
        )
    return cleaned


def _live(broadcast: Broadcast) -> Broadcast:
    current = Broadcast.objects.filter(pk=broadcast.pk).only("pk", "state", "title_ko").first()
    if current is None or current.state != BroadcastState.LIVE:
        raise ValidationError(_("생방송 중에만 자막과 장 나누기를 보낼 수 있습니다."))
    return current


def cue_event(cue: CaptionCue) -> dict[str, Any]:
    return {
        "type": "caption",
        "id": cue.pk,
        "at": cue.at.isoformat(timespec="milliseconds"),
        "text": cue.text,
    }


@transaction.atomic
def caption_send(broadcast: Broadcast, *, text: str, by: User) -> CaptionCue:
    cleaned = clean_caption(text)
    current = _live(broadcast)
    # Audited lightly: a captioner sends hundreds of lines, so the trail records who began captioning a
    # broadcast; the lines themselves carry their author.
    first_of_theirs = not CaptionCue.objects.filter(broadcast=current, by=by).exists()
    cue = CaptionCue.objects.create(broadcast=current, at=timezone.now(), text=cleaned, by=by)
    if first_of_theirs:
        audit_record(action="tv.captions_started", actor=by, target=current)
    send_event_on_commit(viewers_group(current.pk), cue_event(cue))
    return cue


@transaction.atomic
def marker_add(broadcast: Broadcast, *, title: str, by: User) -> Marker:
    """A chapter of the recording begins now ("2부: 질의응답"); the video on demand lists the markers."""
    if _has_control(title):
        raise ValidationError(_("보이지 않는 제어 문자는 장 제목에 쓸 수 없습니다."))
    cleaned = " ".join(unicodedata.normalize("NFC", title).split())
    if not cleaned:
        raise ValidationError(_("장 제목을 입력해 주세요."))
    if len(cleaned) > MAX_MARKER_TITLE:
        raise ValidationError(_("장 제목은 %(count)d자까지 쓸 수 있습니다.") % {"count": MAX_MARKER_TITLE})
    current = _live(broadcast)
    marker = Marker.objects.create(broadcast=current, at=timezone.now(), title=cleaned, by=by)
    audit_record(action="tv.marker_added", actor=by, target=current, detail={"title": cleaned})
    return marker
