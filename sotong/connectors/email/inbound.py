"""Reading an e-mail a resident sent: who, what, which thread, the words they wrote (without the quoted
history of earlier messages), and their photos. Whatever the client: Korean charsets (EUC-KR, CP949,
ISO-2022-KR), base64 or quoted-printable, plain text or HTML (which becomes plain text, never kept).

Machines' mail (auto-replies, bounces, lists) and oversized messages are refused with RefusedEmail.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import PurePosixPath, PureWindowsPath

from sotong.connectors.email.addresses import tag_of, tags_in
from sotong.connectors.email.text import decode_bytes, html_to_text, normal, strip_quoted

MAX_MESSAGE_BYTES = 15 * 1024 * 1024
MAX_IMAGES = 5
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PARTS = 200
MAX_SUBJECT = 300
MAX_THREAD_IDS = 50

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}

_MSGID = re.compile(r"<[^<>\s]{1,250}>")
_SENDER = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+$")
_TRACE_HEADERS = {b"return-path", b"delivered-to", b"x-original-to", b"received"}


class RefusedEmail(ValueError):
    """Not a message from a resident to take in (auto-reply, bounce, list mail, too large, no sender)."""


@dataclass(frozen=True)
class InboundImage:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundEmail:
    sender: str  # the address, lower case
    sender_name: str
    subject: str
    message_id: str  # "<…>", or "" when missing or unusable
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    tags: tuple[str, ...]  # plus-address tags of our address among the recipients
    date: datetime | None
    text: str  # what the sender wrote, without quoted history
    images: tuple[InboundImage, ...]
    sha256: str  # of the message as sent (without the trace headers relays add)

    @property
    def external_id(self) -> str:
        """The message's id for idempotent storing: its Message-ID, or a digest of it."""
        return self.message_id or f"sha256:{self.sha256}"

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, the direct parent first."""
        ids = list(self.in_reply_to)
        ids += [i for i in reversed(self.references) if i not in ids]
        return ids


def parse_email(raw: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> InboundEmail:
    if len(raw) > max_bytes:
        raise RefusedEmail(f"the message is larger than {max_bytes} bytes")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        return _read(message, raw)
    except RecursionError as exc:
        raise RefusedEmail("the message is nested too deeply") from exc


def _read(message: Message, raw: bytes) -> InboundEmail:
    _refuse_machines(message)
    sender, sender_name = _sender(message)
    if tag_of(sender) is not None:
        raise RefusedEmail("the message comes from our own address")
    message_id = _first_id(_raw(message, "Message-ID"))
    return InboundEmail(
        sender=sender,
        sender_name=sender_name,
        subject=_clip(_one_line(_header_text(_raw(message, "Subject"))), MAX_SUBJECT),
        message_id=message_id if len(message_id) <= 200 else "",
        in_reply_to=tuple(_MSGID.findall(_raw(message, "In-Reply-To")))[:MAX_THREAD_IDS],
        references=tuple(_MSGID.findall(_raw(message, "References")))[-MAX_THREAD_IDS:],
        tags=tuple(
            tags_in(
                [
                    _header_text(value)
                    for name in ("To", "Cc", "Delivered-To", "X-Original-To")
                    for value in _raw_all(message, name)
                ]
            )
        ),
        date=_date(_raw(message, "Date")),
        text=strip_quoted(_body(message)),
        images=tuple(_images(message)),
        sha256=hashlib.sha256(_without_trace(raw)).hexdigest(),
    )


# Headers


def _raw_all(message: Message, name: str) -> list[str]:
    """The header's values as they came (8-bit bytes kept as surrogate escapes), unparsed."""
    wanted = name.lower()
    return [str(value) for key, value in message.raw_items() if key.lower() == wanted]


def _raw(message: Message, name: str) -> str:
    values = _raw_all(message, name)
    return values[0] if values else ""


def _header_text(raw: str) -> str:
    """Decode a header value: RFC 2047 encoded words in any charset, or raw 8-bit text (UTF-8 or CP949)."""
    text = re.sub(r"\r?\n(?=[ \t])", "", raw)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = decode_bytes(text.encode("ascii", "surrogateescape"), None)
    if "=?" not in text:
        return normal(text)
    try:
        chunks = decode_header(text)
    except Exception:  # a malformed encoded word: keep the text as it is
        return normal(text)
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            out.append(chunk.decode("raw-unicode-escape", errors="replace"))
        else:
            out.append(decode_bytes(chunk, charset))
    return normal("".join(out))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clip(text: str, limit: int) -> str:
    return text[:limit].strip()


def _refuse_machines(message: Message) -> None:
    auto = _raw(message, "Auto-Submitted").strip().lower()
    if auto and not auto.startswith("no"):
        raise RefusedEmail(f"automatic message (Auto-Submitted: {auto[:40]})")
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        value = _raw(message, name).strip().lower()
        if value and value not in {"no", "false", "0"}:
            raise RefusedEmail(f"automatic message ({name})")
    precedence = _raw(message, "Precedence").strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        raise RefusedEmail(f"automatic message (Precedence: {precedence})")
    if _raw(message, "Return-Path").strip() == "<>":
        raise RefusedEmail("a bounce or notification (empty return path)")
    if message.get_content_type() == "multipart/report":
        raise RefusedEmail("a delivery or read report")


def _sender(message: Message) -> tuple[str, str]:
    raw = _raw(message, "From")
    address, name = "", ""
    try:
        parsed = getattr(message["From"], "addresses", ())
        if parsed:
            address, name = parsed[0].addr_spec, parsed[0].display_name
    except Exception:  # noqa: S110 - the policy's parser gave up on a malformed header: parsed below
        pass
    decoded = _header_text(raw)
    if not address or "@" not in address:
        name, address = parseaddr(decoded)
    if not name or "\ufffd" in name or any("\udc80" <= ch <= "\udcff" for ch in name):
        name = parseaddr(decoded)[0]
    address = address.strip().lower()
    if len(address) > 254 or not _SENDER.match(address):
        raise RefusedEmail("the message has no usable sender address")
    if address.partition("@")[0] in {"mailer-daemon", "mailer_daemon"}:
        raise RefusedEmail("a bounce (mailer-daemon)")
    return address, _clip(_one_line(normal(name)).strip('"').strip(), 60)


def _first_id(raw: str) -> str:
    text = _header_text(raw).strip()
    match = _MSGID.search(text)
    if match:
        return match.group(0)
    return f"<{text}>" if text and not any(ch.isspace() or ch in "<>" for ch in text) else ""


def _date(raw: str) -> datetime | None:
    if not raw.strip():
        return None
    try:
        value = parsedate_to_datetime(_header_text(raw))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _without_trace(raw: bytes) -> bytes:
    """The message without the trace headers at its top (Return-Path, Received…), which differ when
    the same message is delivered again by another hop."""
    start = 0
    skipping = False
    while start < len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end + 1
        line = raw[start:end]
        if line[:1] in (b" ", b"\t") and skipping:
            start = end
            continue
        name = line.split(b":", 1)[0].strip().lower() if b":" in line else b""
        if name in _TRACE_HEADERS:
            skipping = True
            start = end
            continue
        break
    return raw[start:]


# Body


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return normal(decode_bytes(payload, part.get_content_charset()))


def _is_attachment(part: Message) -> bool:
    return (part.get_content_disposition() or "") == "attachment"


def _body(message: Message) -> str:
    part: Message | None = None
    if isinstance(message, EmailMessage):
        try:
            part = message.get_body(preferencelist=("plain", "html"))
        except Exception:  # a broken structure: look for a text part below
            part = None
    if part is None:
        for candidate in _parts(message):
            if candidate.get_content_type() in {"text/plain", "text/html"} and not _is_attachment(candidate):
                part = candidate
                break
    if part is None:
        return ""
    text = _part_text(part)
    return html_to_text(text) if part.get_content_type() == "text/html" else text


# Photos


def _parts(message: Message) -> list[Message]:
    parts = []
    for count, part in enumerate(message.walk()):
        if count >= MAX_PARTS:
            break
        if not part.is_multipart():
            parts.append(part)
    return parts


def _safe_name(name: str) -> str:
    name = PureWindowsPath(PurePosixPath(name).name).name
    return _clip(_one_line(normal(name)), 100)


def _images(message: Message) -> list[InboundImage]:
    images: list[InboundImage] = []
    for part in _parts(message):
        if len(images) >= MAX_IMAGES:
            break
        try:
            name = _safe_name(part.get_filename() or "")
        except Exception:  # an undecodable file name is no reason to lose the photo
            name = ""
        content_type = part.get_content_type()
        looks_like_image = content_type.startswith("image/") or (
            content_type == "application/octet-stream"
            and PurePosixPath(name.lower()).suffix in IMAGE_EXTENSIONS
        )
        if not looks_like_image:
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data or len(data) > MAX_IMAGE_BYTES:
            continue
        images.append(InboundImage(name=name, content_type=content_type, content=data))
    return images
