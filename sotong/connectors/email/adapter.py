"""Outbound e-mail through Django's mail (EMAIL_BACKEND; SMTP to EMAIL_HOST by default).

The payload is {"subject", "text", "case", "in_reply_to"}. The Message-ID comes from the delivery's
idempotency key, so a retry after an unclear failure sends the same message again (the resident's
client shows it once), and answers thread under the resident's own first message. Replies come back
to the inbound address tagged with the case number (sotong+2026-000123@…).
"""

from __future__ import annotations

import hashlib
import re
import smtplib
from email.header import Header
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from sotong.connectors.base import DeliveryError
from sotong.connectors.email.addresses import display_name, tagged_address
from sotong.connectors.models import Delivery
from sotong.connectors.registry import register_adapter

_MSGID = re.compile(r"^<[^<>\s@]{1,200}@[^<>\s@]{1,200}>$")
_CASE_NUMBER = re.compile(r"^\d{4}-\d{6}$")


def _domain() -> str:
    return parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1].rpartition("@")[2] or "localhost"


def message_id_for(delivery: Delivery) -> str:
    """The same Message-ID for every attempt of one delivery."""
    key = hashlib.sha256(f"sotong-email:{delivery.idempotency_key}".encode()).hexdigest()[:32]
    return f"<{key}@{_domain()}>"


def case_thread_id(case_number: str) -> str:
    """A reference every message about one case carries, so mail clients thread the acknowledgement,
    interim notices and the answer together even when the case did not start as an e-mail."""
    return f"<sotong-case-{case_number}@{_domain()}>"


def _one_line(value: object) -> str:
    return " ".join(str(value or "").split())


def _encoded_subject(subject: str) -> str:
    """RFC 2047 words sized for the Subject line. Left to Django, a Korean subject becomes one long word
    folded onto a line of its own, which some readers show with a leading space."""
    if subject.isascii():
        return subject
    return Header(subject, "utf-8", header_name="Subject").encode().replace("\n ", " ")


def _reply_to(case_number: str) -> str:
    address = tagged_address(case_number)
    name = display_name()
    return f"{name} <{address}>" if name else address


def compose(delivery: Delivery) -> EmailMessage:
    payload = delivery.payload or {}
    recipient = delivery.recipient.strip()
    if not recipient or "@" not in recipient or any(ch.isspace() for ch in recipient):
        raise DeliveryError("the delivery has no usable e-mail address", permanent=True)
    case_number = _one_line(payload.get("case"))
    if case_number and not _CASE_NUMBER.match(case_number):
        case_number = ""
    subject = _one_line(payload.get("subject")) or _one_line(settings.SOTONG_DISTRICT_NAME)
    if case_number and case_number not in subject:
        # The number in the subject threads the resident's answer even when the Reply-To is lost.
        subject = f"{subject} [{case_number}]"
    headers = {"Message-ID": message_id_for(delivery), "X-Auto-Response-Suppress": "OOF, AutoReply"}
    in_reply_to = _one_line(payload.get("in_reply_to"))
    references = [case_thread_id(case_number)] if case_number else []
    if _MSGID.match(in_reply_to):
        headers["In-Reply-To"] = in_reply_to
        references.append(in_reply_to)
    if references:
        headers["References"] = " ".join(references)
    return EmailMessage(
        subject=_encoded_subject(subject),
        body=str(payload.get("text") or ""),
        from_email=str(settings.DEFAULT_FROM_EMAIL),
        to=[recipient],
        reply_to=[_reply_to(case_number)],
        headers=headers,
    )


class EmailAdapter:
    channel = "email"

    def is_enabled(self) -> bool:
        return bool(getattr(settings, "EMAIL_ENABLED", False))

    def send(self, delivery: Delivery) -> str:
        message = compose(delivery)
        try:
            connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
            sent = connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            # The server's words often repeat the address; last_error is not encrypted, so it is left out.
            detail = "; ".join(
                f"{code} {text.decode('utf-8', 'replace').replace(delivery.recipient.strip(), '<recipient>')!r}"
                for code, text in exc.recipients.values()
            )
            raise DeliveryError(
                f"the recipient was refused: {detail}",
                permanent=bool(codes) and all(500 <= code < 600 for code in codes),
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            # Our credentials: staff fix the configuration, the message should still go.
            raise DeliveryError(f"SMTP authentication failed: {exc.smtp_code}") from exc
        except smtplib.SMTPResponseException as exc:
            said = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise DeliveryError(
                f"the SMTP server answered {exc.smtp_code} {said.replace(delivery.recipient.strip(), '<recipient>')!r}",
                permanent=500 <= exc.smtp_code < 600,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Connection refused, timeouts, TLS trouble, a dropped connection: try again later.
            raise DeliveryError(f"the SMTP server could not be reached: {type(exc).__name__}: {exc}") from exc
        except ValueError as exc:  # a header Django refuses (BadHeaderError), an address it cannot encode
            raise DeliveryError(f"the message cannot be sent: {exc}", permanent=True) from exc
        if not sent:
            raise DeliveryError("the mail backend sent nothing")
        return message.extra_headers["Message-ID"]


register_adapter(EmailAdapter())
