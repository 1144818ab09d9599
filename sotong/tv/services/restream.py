"""Restreaming (decision 0078): the producer names the broadcast's YouTube, Facebook or other RTMP(S)
destinations on its control page; ``sotong tv`` sends the live video to each enabled one while the encoder is
connected and writes each destination's state here. The URL carries the platform's stream key: it is kept
encrypted, checked for duplicates by a keyed digest, and shown back only as host and key hint."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.core.audit import audit_record
from sotong.core.crypto import digest
from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast, RestreamTarget

# Each destination is an ffmpeg on the ingest's machine: a handful is plenty for one district.
MAX_TARGETS = 5
RUNNING = (
    RestreamTarget.State.CONNECTING,
    RestreamTarget.State.LIVE,
    RestreamTarget.State.RETRYING,
    RestreamTarget.State.FAILED,
)


def korean(message: Any) -> str:
    """An error kept on the row in Korean, whatever language the ingest runs in."""
    with translation.override("ko"):
        return str(message)


def _private(host: str) -> bool:
    """True for loopback, private, link-local and other non-public addresses, literal or resolved. A name
    that does not resolve here is let through: the destination's state will say it could not be reached."""
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return False
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return any(not address.is_global for address in addresses)


def restream_clean_url(url: str) -> str:
    value = url.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("rtmp", "rtmps"):
        raise ValidationError(_("송출 주소는 rtmp:// 또는 rtmps:// 로 시작해야 합니다."))
    # ffmpeg takes the URL as one argument: no spaces, and no control characters (a NUL would not even start it).
    if not value.isprintable() or any(character.isspace() for character in value) or len(value) > 1000:
        raise ValidationError(_("송출 주소에 공백이 있거나 너무 깁니다."))
    try:
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise ValidationError(_("송출 주소의 포트 번호가 올바르지 않습니다.")) from None
    if not host:
        raise ValidationError(_("송출 주소에 서버 이름이 없습니다."))
    if len([segment for segment in parts.path.split("/") if segment]) < 2:
        raise ValidationError(
            _("스트림 키까지 붙인 전체 주소를 넣어 주세요 (예: rtmp://a.rtmp.youtube.com/live2/스트림키).")
        )
    if restream_now_private(value):
        raise ValidationError(_("이 서버 자신이나 내부망 주소로는 보낼 수 없습니다."))
    # The same destination typed with capitals is still the same one for the duplicate check.
    if "@" not in parts.netloc:
        value = urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))
    return value


def restream_now_private(url: str) -> bool:
    """The URL's host is, or now resolves to, this server or the internal network (unless allowed). Checked when
    a destination is added and again before every connection the ingest makes: a name that was public then may
    resolve inside now (DNS rebinding), and then nothing is sent."""
    host = urlsplit(url).hostname or ""
    return not settings.TV_RESTREAM_ALLOW_LOOPBACK and _private(host)


def url_hint(url: str) -> str:
    """``rtmps://live-api-s.facebook.com:443/rtmp/…x7Qa``: where it goes, and enough of the key to tell two
    apart, never the key."""
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    key = segments[-1] if segments else ""
    tail = key[-4:] if len(key) >= 12 else ""
    where = parts.hostname or ""
    if parts.port:
        where = f"{where}:{parts.port}"
    return f"{parts.scheme}://{where}/{'/'.join(segments[:-1])}/…{tail}"


@transaction.atomic
def restream_add(
    *, broadcast: Broadcast, label: str, platform: str, url: str, by: Any, request: Any = None
) -> RestreamTarget:
    if broadcast.state in (BroadcastState.ENDED, BroadcastState.CANCELLED):
        raise ValidationError(_("끝났거나 취소된 방송에는 송출 대상을 추가할 수 없습니다."))
    label = label.strip()
    if not label or len(label) > 40:
        raise ValidationError(_("이름을 40자 안으로 적어 주세요 (예: YouTube)."))
    if platform not in RestreamTarget.Platform.values:
        raise ValidationError(_("플랫폼을 골라 주세요."))
    clean = restream_clean_url(url)
    locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if locked.restream_targets.count() >= MAX_TARGETS:
        raise ValidationError(_("한 방송에 송출 대상은 %(count)d곳까지입니다.") % {"count": MAX_TARGETS})
    if locked.restream_targets.filter(url_digest=digest(clean)).exists():
        raise ValidationError(_("같은 주소가 이미 있습니다."))
    target = RestreamTarget.objects.create(
        broadcast=locked, label=label, platform=platform, url=clean, url_digest=digest(clean), created_by=by
    )
    audit_record(
        action="tv.restream.add",
        actor=by,
        target=target,
        detail={"broadcast": broadcast.pk, "platform": platform, "url": url_hint(clean)},
        request=request,
    )
    return target


def restream_set_enabled(*, target: RestreamTarget, enabled: bool, by: Any, request: Any = None) -> bool:
    """Turned on, the ingest starts it within a few seconds while the broadcast is live; turned off, it stops.
    False, and nothing recorded, when it already was (a form sent twice)."""
    fields: dict[str, Any] = {
        "enabled": enabled,
        "state": RestreamTarget.State.IDLE if enabled else RestreamTarget.State.STOPPED,
        "updated_at": timezone.now(),
    }
    if enabled:
        fields.update(attempts=0, last_error="")
    # One UPDATE guarded by the old value: an ingest's report in between cannot bring an 'off' row back.
    if not RestreamTarget.objects.filter(pk=target.pk, enabled=not enabled).update(**fields):
        return False
    for name, value in fields.items():
        setattr(target, name, value)
    audit_record(
        action="tv.restream.enable" if enabled else "tv.restream.disable",
        actor=by,
        target=target,
        detail={"broadcast": target.broadcast_id, "url": url_hint(target.url)},
        request=request,
    )
    return True


def restream_delete(*, target: RestreamTarget, by: Any, request: Any = None) -> None:
    audit_record(
        action="tv.restream.delete",
        actor=by,
        target=target,
        detail={"broadcast": target.broadcast_id, "url": url_hint(target.url)},
        request=request,
    )
    target.delete()


# --- the ingest's side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    pk: int
    url: str


def restream_wanted(*, broadcast_id: int) -> list[Wanted]:
    """The destinations the ingest should be sending this broadcast to now."""
    rows = RestreamTarget.objects.filter(broadcast_id=broadcast_id, enabled=True).only("pk", "url")
    return [Wanted(row.pk, row.url) for row in rows]


def restream_report(
    *, target_id: int, state: str, error: str = "", attempt: bool = False, final: bool = False
) -> None:
    """The ingest's word on one destination. Only an enabled row is moved: a producer's 'off' wins, and the
    ingest's last word on a destination it lets go (``final``) leaves an 'off' row 꺼짐. The last error stays
    on the row while the destination reconnects, so the control page can say why; going live clears it."""
    now = timezone.now()
    fields: dict[str, Any] = {"state": state, "updated_at": now}
    if error:
        fields["last_error"] = error[:200]
    if state == RestreamTarget.State.LIVE:
        fields.update(last_error="", started_at=now)
    if attempt:
        fields["attempts"] = F("attempts") + 1
    rows = RestreamTarget.objects.filter(pk=target_id)
    if not rows.filter(enabled=True).update(**fields) and final:
        rows.filter(enabled=False).update(state=RestreamTarget.State.STOPPED, updated_at=now)


def restream_reset() -> int:
    """What an earlier run of the ingest left sending (it was killed) is idle again."""
    return RestreamTarget.objects.filter(state__in=RUNNING, enabled=True).update(
        state=RestreamTarget.State.IDLE, updated_at=timezone.now()
    )
