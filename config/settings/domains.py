"""Settings of the domains: the resident voice, Open311 clients, the scheduler, the district and safety."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_float, env_int, env_list
from config.settings.core import DATA_DIR, DEBUG, SITE_URL

# The resident voice: above this confidence the model's department gets the case directly; below it
# the comms team's triage queue decides. Public intake is rate-limited per address (per 10 minutes).
# 0.71: in cross-validation 95 % of the cases above it went to the right department (routing.RECOMMENDED_THRESHOLD).
VOICE_ROUTING_THRESHOLD = env_float("VOICE_ROUTING_THRESHOLD", default=0.71)
VOICE_SUBMIT_LIMIT = env_int("VOICE_SUBMIT_LIMIT", default=10)
VOICE_MAX_PHOTO_BYTES = env_int("VOICE_MAX_PHOTO_BYTES", default=10 * 1024 * 1024)
# Open311 clients: POSTs per 10 minutes from one address and with one API key.
OPEN311_POST_LIMIT_PER_IP = env_int("OPEN311_POST_LIMIT_PER_IP", default=120)
OPEN311_POST_LIMIT_PER_KEY = env_int("OPEN311_POST_LIMIT_PER_KEY", default=600)

# Scheduler: exactly one may run; it holds a lease in Redis (scaled) or the database (embedded).
SCHEDULER_LEASE_SECONDS = env_int("SCHEDULER_LEASE_SECONDS", default=30)

SOTONG_DISTRICT_NAME = _("영등포구")

# Alerts (CAP 1.2). The <sender> of the district's own alerts is its domain.
SOTONG_DISTRICT_DOMAIN = os.environ.get("SOTONG_DISTRICT_DOMAIN", "").strip() or (
    SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
)
# CAP documents, or Atom/RSS feeds of CAP links, that the scheduler polls (comma-separated http(s) URLs).
SAFETY_CAP_FEEDS = env_list("SAFETY_CAP_FEEDS", default=[])
if any(not feed.startswith(("http://", "https://")) for feed in SAFETY_CAP_FEEDS):
    raise ImproperlyConfigured("SAFETY_CAP_FEEDS must list http:// or https:// URLs, separated by commas.")
# Region names in outside feeds (재난문자 수신지역, 기상청 특보구역) that mean the whole district.
# Walking directions to a shelter: a URL template with {from_lat}, {from_lon}, {lat}, {lon}
# (empty: OpenStreetMap's foot routing).
SAFETY_DIRECTIONS_URL = os.environ.get("SAFETY_DIRECTIONS_URL", "").strip()
if SAFETY_DIRECTIONS_URL and not SAFETY_DIRECTIONS_URL.startswith("https://"):
    raise ImproperlyConfigured("SAFETY_DIRECTIONS_URL must be an https:// URL template.")
# The nearest-shelter API and facilities.json answered before Django from an in-memory index
# (decision 0045); off only to compare or to debug.
SAFETY_FAST_PATH = env_bool("SAFETY_FAST_PATH", default=True)
SAFETY_REGION_ALIASES = env_list(
    "SAFETY_REGION_ALIASES", default=["서울특별시 전체", "서울특별시", "서울서남권"]
)

# Residents' alerts: which CAP statuses reach residents (Test and Exercise only when listed here).
SAFETY_NOTIFY_STATUSES = env_list("SAFETY_NOTIFY_STATUSES", default=["Actual"])
# Places a resident may save for alerts.
SAFETY_MAX_PLACES = 5

# 소통TV (decision 0072). An encoder may go live this long before its broadcast's planned start and
# still publish this long after its planned end; a live broadcast whose encoder is gone ends then.
TV_PUBLISH_EARLY_MINUTES = env_int("TV_PUBLISH_EARLY_MINUTES", default=60)
TV_PUBLISH_LATE_MINUTES = env_int("TV_PUBLISH_LATE_MINUTES", default=30)
# The ingest front's callbacks (nginx-rtmp on_publish / on_publish_done) carry this secret in their
# query string (?secret=…); empty turns the callbacks off. At least 32 characters.
TV_INGEST_SECRET = os.environ.get("TV_INGEST_SECRET", "").strip()
if TV_INGEST_SECRET and len(TV_INGEST_SECRET) < 32:
    raise ImproperlyConfigured(
        "TV_INGEST_SECRET must be at least 32 characters (or empty to turn ingest off)."
    )
# nginx-rtmp (the scaled shape): the application that packages HLS, to which an accepted stream is relayed
# under its public name (rtmp://127.0.0.1:1935/hls → …/hls/b<id>), so the key never names a file.
TV_NGINX_HLS_APP = os.environ.get("TV_NGINX_HLS_APP", "").strip() or "rtmp://127.0.0.1:1935/hls"
# Where nginx's `record` writes the broadcasts it relays (scaled shape, decision 0076): on_record_done names a file
# here and a worker adopts it as a part of the recording. Sotong must read this folder (same host or volume).
TV_NGINX_RECORD_DIR = Path(os.environ.get("TV_NGINX_RECORD_DIR") or DATA_DIR / "tv" / "nginx-recordings")
if not TV_NGINX_HLS_APP.startswith("rtmp://"):
    raise ImproperlyConfigured("TV_NGINX_HLS_APP must be an rtmp:// URL (nginx's HLS application).")
# Where producers point their encoder (shown in the back office with the stream key).
TV_RTMP_URL = os.environ.get("TV_RTMP_URL", "").strip() or "rtmp://127.0.0.1:1935/live"
# The embedded ingest (`sotong tv`, decision 0073): where encoders connect, and where its ffmpeg writes HLS
# (served at /tv/hls/; in the scaled shape nginx writes it and a web server or CDN serves it).
TV_RTMP_HOST = os.environ.get("TV_RTMP_HOST", "").strip() or "127.0.0.1"
TV_RTMP_PORT = env_int("TV_RTMP_PORT", default=1935)
TV_HLS_DIR = Path(os.environ.get("TV_HLS_DIR") or DATA_DIR / "tv" / "hls")
# Renditions as height:video-kbit/s, best first; and how many one-second segments a playlist lists.
TV_RENDITIONS = os.environ.get("TV_RENDITIONS", "").strip() or "720:2500,360:800"
TV_HLS_LIST_SIZE = env_int("TV_HLS_LIST_SIZE", default=10)
# Stream health (decision 0079): no picture from the encoder for this many seconds puts the fallback slate on
# air; an encoder that dropped has this long to come back (same key) before the slate stops and the playlists
# end. The slate's words need a font with Hangul: this one, else Nanum or Noto CJK where Debian puts them.
TV_STALL_SECONDS = env_int("TV_STALL_SECONDS", default=3)
TV_RECONNECT_GRACE_SECONDS = env_int("TV_RECONNECT_GRACE_SECONDS", default=120)
TV_SLATE_FONT = os.environ.get("TV_SLATE_FONT", "").strip()
# Recordings (decision 0076): `sotong tv` keeps what the encoder sent as MPEG-TS parts here while live; after
# the end a task remuxes them into the broadcast's video on demand (HLS), served at /tv/hls/vod/.
TV_RECORDINGS_DIR = Path(os.environ.get("TV_RECORDINGS_DIR") or DATA_DIR / "tv" / "recordings")
TV_VOD_DIR = Path(os.environ.get("TV_VOD_DIR") or DATA_DIR / "tv" / "vod")
# ffmpeg: the static build in the imageio-ffmpeg wheel unless this names another (e.g. /usr/bin/ffmpeg).
FFMPEG_BINARY = os.environ.get("FFMPEG_BINARY", "").strip()
# Restreaming to YouTube/Facebook (decision 0078): destinations on loopback or private addresses are refused
# unless this is on (tests, or a relay on the ingest's own network).
TV_RESTREAM_ALLOW_LOOPBACK = env_bool("TV_RESTREAM_ALLOW_LOOPBACK", default=False)
# The broadcast's YouTube live chat and Facebook live comments in the chat (decision 0075), read by `sotong tv`.
# One API key and one Page token for the district; YouTube's quota is per API project and resets at midnight
# Pacific time, so readers space their calls to stay inside TV_YOUTUBE_DAILY_QUOTA.
TV_EXTERNAL_CHAT_ENABLED = env_bool("TV_EXTERNAL_CHAT_ENABLED", default=False)
TV_YOUTUBE_API_BASE = (
    os.environ.get("TV_YOUTUBE_API_BASE", "").strip() or "https://www.googleapis.com/youtube/v3"
).rstrip("/")
TV_YOUTUBE_API_KEY = os.environ.get("TV_YOUTUBE_API_KEY", "").strip()
TV_YOUTUBE_DAILY_QUOTA = env_int("TV_YOUTUBE_DAILY_QUOTA", default=10_000)
TV_FACEBOOK_GRAPH_BASE = (
    os.environ.get("TV_FACEBOOK_GRAPH_BASE", "").strip() or "https://graph.facebook.com/v26.0"
).rstrip("/")
TV_FACEBOOK_STREAMING_BASE = (
    os.environ.get("TV_FACEBOOK_STREAMING_BASE", "").strip() or "https://streaming-graph.facebook.com"
).rstrip("/")
TV_FACEBOOK_ACCESS_TOKEN = os.environ.get("TV_FACEBOOK_ACCESS_TOKEN", "").strip()
# Telling a YouTube author in the live chat that their comment became a case writes as the district's channel:
# OAuth (scope youtube.force-ssl) by a refresh token from Google's consent screen; unset, the desk says so.
TV_YOUTUBE_OAUTH_CLIENT_ID = os.environ.get("TV_YOUTUBE_OAUTH_CLIENT_ID", "").strip()
TV_YOUTUBE_OAUTH_CLIENT_SECRET = os.environ.get("TV_YOUTUBE_OAUTH_CLIENT_SECRET", "").strip()
TV_YOUTUBE_OAUTH_REFRESH_TOKEN = os.environ.get("TV_YOUTUBE_OAUTH_REFRESH_TOKEN", "").strip()
TV_GOOGLE_TOKEN_URL = (
    os.environ.get("TV_GOOGLE_TOKEN_URL", "").strip() or "https://oauth2.googleapis.com/token"
)
if not TV_YOUTUBE_API_BASE.startswith(("http://", "https://")) or not TV_FACEBOOK_GRAPH_BASE.startswith(
    ("http://", "https://")
):
    raise ImproperlyConfigured("TV_YOUTUBE_API_BASE and TV_FACEBOOK_GRAPH_BASE must be http(s):// URLs.")
if TV_YOUTUBE_DAILY_QUOTA < 100:
    raise ImproperlyConfigured(
        "TV_YOUTUBE_DAILY_QUOTA must be at least 100 units (Google's default is 10000)."
    )

# The home, 행복공감 and 구정소식 pages an anonymous resident opens are kept rendered this many seconds (decision
# 0086); publishing, an alert or a broadcast forgets them at once. 0 renders every request.
PAGES_CACHE_SECONDS = env_int("PAGES_CACHE_SECONDS", default=10)
if PAGES_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("PAGES_CACHE_SECONDS must be 0 or more.")

# 열린구청장실 (decisions 0082, 0083). A proposal gathers supports for PETITIONS_COLLECT_DAYS calendar days;
# PETITIONS_REVIEW_THRESHOLD supports send it to the responsible department, which posts an interim notice
# within PETITIONS_INTERIM_WORKING_DAYS and its answer within PETITIONS_ANSWER_WORKING_DAYS working days;
# PETITIONS_MAYOR_THRESHOLD supports make the mayor answer it.
PETITIONS_REVIEW_THRESHOLD = env_int("PETITIONS_REVIEW_THRESHOLD", default=50)
PETITIONS_MAYOR_THRESHOLD = env_int("PETITIONS_MAYOR_THRESHOLD", default=1000)
PETITIONS_COLLECT_DAYS = env_int("PETITIONS_COLLECT_DAYS", default=30)
PETITIONS_INTERIM_WORKING_DAYS = env_int("PETITIONS_INTERIM_WORKING_DAYS", default=14)
PETITIONS_ANSWER_WORKING_DAYS = env_int("PETITIONS_ANSWER_WORKING_DAYS", default=30)
if not 1 <= PETITIONS_REVIEW_THRESHOLD <= PETITIONS_MAYOR_THRESHOLD:
    raise ImproperlyConfigured(
        "PETITIONS_REVIEW_THRESHOLD must be at least 1 and at most PETITIONS_MAYOR_THRESHOLD."
    )
if min(PETITIONS_COLLECT_DAYS, PETITIONS_INTERIM_WORKING_DAYS, PETITIONS_ANSWER_WORKING_DAYS) < 1:
    raise ImproperlyConfigured("PETITIONS_*_DAYS must be at least 1.")
# Supporters hear of stage changes once a day ("daily") or as they happen ("immediate").
PETITIONS_NOTIFY = os.environ.get("PETITIONS_NOTIFY", "").strip() or "daily"
if PETITIONS_NOTIFY not in {"daily", "immediate"}:
    raise ImproperlyConfigured("PETITIONS_NOTIFY must be 'daily' or 'immediate'.")
# A comment is hidden until a moderator looks once this many people reported it.
PETITIONS_COMMENT_HIDE_REPORTS = env_int("PETITIONS_COMMENT_HIDE_REPORTS", default=3)
# The identity provider that trusts what it is told: for the demo and tests only, never in production.
PETITIONS_TEST_PROVIDER = env_bool("PETITIONS_TEST_PROVIDER", default=DEBUG)
if PETITIONS_TEST_PROVIDER and not DEBUG:
    raise ImproperlyConfigured(
        "PETITIONS_TEST_PROVIDER trusts any name as an identity: it may only be on with DEBUG (the demo)."
    )
# A one-time code by SMS proves a mobile number: valid this long, this many tries.
PETITIONS_PHONE_CODE_SECONDS = env_int("PETITIONS_PHONE_CODE_SECONDS", default=300)
PETITIONS_PHONE_CODE_ATTEMPTS = env_int("PETITIONS_PHONE_CODE_ATTEMPTS", default=5)
# The department that answers letters to the mayor (구청장에게 바란다) for the mayor's office.
PETITIONS_MAYOR_LETTER_DEPARTMENT = os.environ.get("PETITIONS_MAYOR_LETTER_DEPARTMENT", "").strip() or "pr"

# Kakao and Naver sign-in verify a resident for 열린구청장실 only: nobody is signed in and no account or token is
# stored (sotong.petitions.social). Each is on when its client id and secret are set.
KAKAO_LOGIN_CLIENT_ID = os.environ.get("KAKAO_LOGIN_CLIENT_ID", "").strip()
KAKAO_LOGIN_CLIENT_SECRET = os.environ.get("KAKAO_LOGIN_CLIENT_SECRET", "").strip()
NAVER_LOGIN_CLIENT_ID = os.environ.get("NAVER_LOGIN_CLIENT_ID", "").strip()
NAVER_LOGIN_CLIENT_SECRET = os.environ.get("NAVER_LOGIN_CLIENT_SECRET", "").strip()
SOCIALACCOUNT_ADAPTER = "sotong.petitions.social.VerifyOnlyAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {
    "kakao": {
        "APPS": [{"client_id": KAKAO_LOGIN_CLIENT_ID, "secret": KAKAO_LOGIN_CLIENT_SECRET}]
        if KAKAO_LOGIN_CLIENT_ID
        else []
    },
    "naver": {
        "APPS": [{"client_id": NAVER_LOGIN_CLIENT_ID, "secret": NAVER_LOGIN_CLIENT_SECRET}]
        if NAVER_LOGIN_CLIENT_ID
        else []
    },
}
# Tests only: send the providers' API calls to a loopback fake ({"kauth.kakao.com": "http://127.0.0.1:PORT"}).
PETITIONS_OAUTH_HOSTS: dict[str, str] = {}
