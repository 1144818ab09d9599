"""What an alert notice says, in the subscriber's language: the push payload (title, body, link), the
e-mail and the SMS text. An update or a cancellation carries the tag of the first message of its chain, so
a device shows one notice per warning."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sotong.safety.models import Alert, Subscriber
from sotong.safety.selectors.subscribers import chain_of

BODY_CHARS = 240


def root_id(alert: Alert) -> int:
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


def email_text(alert: Alert, message: dict[str, Any], subscriber: Subscriber) -> str:
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


def sms_text(message: dict[str, Any], language: str) -> str:
    site = str(settings.SITE_URL).rstrip("/")
    with translation.override(language):
        district = str(settings.SOTONG_DISTRICT_NAME)
    return f"[{district}] {message['title']}\n{message['body']}\n{site}{message['url']}"
