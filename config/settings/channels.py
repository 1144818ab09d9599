"""Settings of the outside channels (connectors): e-mail in and out, the KakaoTalk channel chatbot, SMS and
알림톡 through NHN Cloud, and Web Push. Each is off until switched on, and refuses to start half-configured."""

from __future__ import annotations

import json
import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list
from config.settings.core import DATA_DIR, DEBUG

# E-mail. Outbound goes through Django's mail (EMAIL_BACKEND, SMTP by default) when EMAIL_ENABLED;
# inbound arrives at `sotong mailin` (an SMTP server) for VOICE_INBOUND_ADDRESS and its plus-addresses.
EMAIL_ENABLED = env_bool("EMAIL_ENABLED", default=False)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# Where the file-based backend (the demo's) writes messages instead of sending them.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(DATA_DIR / "sent-mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: use TLS (STARTTLS, usually port 587) or SSL "
        "(implicit TLS, usually port 465), not both."
    )
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "영등포구 소통 <sotong@localhost>")
VOICE_INBOUND_ADDRESS = os.environ.get("VOICE_INBOUND_ADDRESS", "sotong@localhost").strip().lower()
if VOICE_INBOUND_ADDRESS.count("@") != 1 or "+" in VOICE_INBOUND_ADDRESS or "<" in VOICE_INBOUND_ADDRESS:
    raise ImproperlyConfigured(
        f"VOICE_INBOUND_ADDRESS={VOICE_INBOUND_ADDRESS!r} is not a plain address: give the address residents "
        "write to, without a name or a '+' tag (e.g. sotong@example.go.kr)."
    )

# KakaoTalk channel chatbot (Kakao i Open Builder skill server at /kakao/skill/). Open Builder sends the
# shared secret in a custom header set on the skill ("헤더값 입력"); requests from another bot are refused.
KAKAO_ENABLED = env_bool("KAKAO_ENABLED", default=False)
KAKAO_BOT_ID = os.environ.get("KAKAO_BOT_ID", "").strip()
KAKAO_SKILL_SECRET = os.environ.get("KAKAO_SKILL_SECRET", "").strip()
# Only for bots Kakao approved as AI chatbots: answers then go through the one-minute callback URL.
KAKAO_CALLBACK_ENABLED = env_bool("KAKAO_CALLBACK_ENABLED", default=False)
if KAKAO_ENABLED and (not KAKAO_BOT_ID or len(KAKAO_SKILL_SECRET) < 32):
    raise ImproperlyConfigured(
        "KAKAO_ENABLED=1 needs KAKAO_BOT_ID (the bot's id in the Kakao chatbot admin centre) and "
        "KAKAO_SKILL_SECRET (a random secret of at least 32 characters, also set as the skill's header value)."
    )

# SMS / 알림톡 (NHN Cloud Notification). Off until the district has its sender number registered with NHN
# (발신번호 사전등록, 전기통신사업법): messages go out only from NHN_SMS_SEND_NO. AlimTalk is tried first for
# the purposes that have an approved template (ALIMTALK_TEMPLATES='{"answer": "SOTONG_ANSWER", ...}',
# purposes ack/answer/interim/status/message), with SMS as its fallback; everything else goes as SMS/LMS.
SMS_ENABLED = env_bool("SMS_ENABLED", default=False)
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "").strip() or "nhn"
if SMS_PROVIDER != "nhn":
    raise ImproperlyConfigured(
        f"SMS_PROVIDER={SMS_PROVIDER!r} is not supported: Sotong sends SMS through 'nhn'."
    )
NHN_SMS_APP_KEY = os.environ.get("NHN_SMS_APP_KEY", "").strip()
NHN_SMS_SECRET_KEY = os.environ.get("NHN_SMS_SECRET_KEY", "").strip()
NHN_SMS_SEND_NO = "".join(os.environ.get("NHN_SMS_SEND_NO", "").replace("-", "").split())
if NHN_SMS_SEND_NO and not (NHN_SMS_SEND_NO.isdigit() and 7 <= len(NHN_SMS_SEND_NO) <= 13):
    raise ImproperlyConfigured(
        "NHN_SMS_SEND_NO must be the registered sender number, digits only (e.g. 0226703114 or 15441234)."
    )
NHN_ALIMTALK_APP_KEY = os.environ.get("NHN_ALIMTALK_APP_KEY", "").strip()
NHN_ALIMTALK_SECRET_KEY = os.environ.get("NHN_ALIMTALK_SECRET_KEY", "").strip()
NHN_ALIMTALK_SENDER_KEY = os.environ.get("NHN_ALIMTALK_SENDER_KEY", "").strip()
ALIMTALK_ENABLED = env_bool("ALIMTALK_ENABLED", default=False)
try:
    ALIMTALK_TEMPLATES = json.loads(os.environ.get("ALIMTALK_TEMPLATES", "").strip() or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(f"ALIMTALK_TEMPLATES is not valid JSON: {exc}") from exc
if not isinstance(ALIMTALK_TEMPLATES, dict) or not all(
    isinstance(code, str) and 0 < len(code) <= 20 for code in ALIMTALK_TEMPLATES.values()
):
    raise ImproperlyConfigured(
        'ALIMTALK_TEMPLATES must map a purpose to a template code of at most 20 characters: {"answer": "CODE"}.'
    )
SMS_API_BASE = (os.environ.get("SMS_API_BASE", "").strip() or "https://api-sms.cloud.toast.com").rstrip("/")
ALIMTALK_API_BASE = (
    os.environ.get("ALIMTALK_API_BASE", "").strip() or "https://api-alimtalk.cloud.toast.com"
).rstrip("/")
if SMS_ENABLED:
    _required = {
        "NHN_SMS_APP_KEY": NHN_SMS_APP_KEY,
        "NHN_SMS_SECRET_KEY": NHN_SMS_SECRET_KEY,
        "NHN_SMS_SEND_NO": NHN_SMS_SEND_NO,
    }
    if ALIMTALK_ENABLED:
        _required |= {
            "NHN_ALIMTALK_APP_KEY": NHN_ALIMTALK_APP_KEY,
            "NHN_ALIMTALK_SECRET_KEY": NHN_ALIMTALK_SECRET_KEY,
            "NHN_ALIMTALK_SENDER_KEY": NHN_ALIMTALK_SENDER_KEY,
        }
    _missing = [name for name, value in _required.items() if not value]
    if _missing:
        raise ImproperlyConfigured(f"SMS_ENABLED is on but {', '.join(_missing)} is not set.")

# Web Push (VAPID, RFC 8292) for residents' alerts. `sotong webpush_keys` prints a key pair; the private key
# is base64url of the raw 32-byte P-256 scalar (or a PEM). Pushes go only to the known push services below
# (https, port 443, a host on the list; "*.x" allows any subdomain of x): never an arbitrary URL.
WEBPUSH_ENABLED = env_bool("WEBPUSH_ENABLED", default=False)
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "").strip()
WEBPUSH_VAPID_SUBJECT = os.environ.get("WEBPUSH_VAPID_SUBJECT", "").strip()
WEBPUSH_ALLOWED_HOSTS = env_list(
    "WEBPUSH_ALLOWED_HOSTS",
    default=[
        "fcm.googleapis.com",
        "*.push.services.mozilla.com",
        "updates.push.services.mozilla.com",
        "*.notify.windows.com",
        "web.push.apple.com",
        "*.push.apple.com",
    ],
)
# Seconds a push service keeps an alert for a device that is offline.
WEBPUSH_TTL = env_int("WEBPUSH_TTL", default=6 * 60 * 60)
# Simultaneous pushes in flight during a fan-out (HTTP/1.1 keep-alive connections).
WEBPUSH_CONCURRENCY = env_int("WEBPUSH_CONCURRENCY", default=64)
# Only for tests and the benchmark's loopback receiver (http://127.0.0.1:port/...); refused in production.
WEBPUSH_ALLOW_LOOPBACK = env_bool("WEBPUSH_ALLOW_LOOPBACK", default=False)
if WEBPUSH_ALLOW_LOOPBACK and not DEBUG:
    raise ImproperlyConfigured(
        "WEBPUSH_ALLOW_LOOPBACK sends pushes to this machine and is for tests only; it needs DEBUG=1."
    )
if WEBPUSH_ENABLED and not (
    WEBPUSH_VAPID_PRIVATE_KEY and WEBPUSH_VAPID_SUBJECT.startswith(("mailto:", "https://"))
):
    raise ImproperlyConfigured(
        "WEBPUSH_ENABLED is on but WEBPUSH_VAPID_PRIVATE_KEY is not set or WEBPUSH_VAPID_SUBJECT is not a "
        "mailto: or https: contact (run `sotong webpush_keys`)."
    )
