"""A raw ASGI answer for the two surge endpoints, mounted in config/asgi.py before Django.

GET /api/safety/shelters/nearest and GET /api/safety/facilities.json are answered from the
in-memory index (`nearest/`) with the same bytes and API headers as the Django views
(`views/api.py`), without Django's request/middleware/URL machinery (decision 0045 explains why and
what is kept). Anything this handler is not sure of — another method, a host Django would refuse, a
plain-HTTP request that must be redirected to HTTPS — is left to Django.

The index is checked against the data version at most once a second; that one query runs in
Django's sync thread while other requests keep being answered from the index they have.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils import timezone

from sotong.safety.nearest.document import dumps
from sotong.safety.nearest.index import current_index, fresh_index, last_index
from sotong.safety.nearest.payload import (
    NEAREST_CACHE_CONTROL,
    ParamError,
    api_headers,
    error_payload,
    facilities_response,
    nearest_payload,
    parse_nearest,
    pick_language,
)
from sotong.safety.nearest.records import FacilityIndex

Send = Callable[[dict[str, Any]], Awaitable[None]]

NEAREST_PATH = "/api/safety/shelters/nearest"
FACILITIES_PATH = "/api/safety/facilities.json"
PATHS = frozenset({NEAREST_PATH, FACILITIES_PATH})

_refreshing = False


def handles(scope: dict[str, Any]) -> bool:
    return (
        getattr(settings, "SAFETY_FAST_PATH", True)
        and scope.get("type") == "http"
        and scope.get("path") in PATHS
        and scope.get("method") == "GET"
        and _host_allowed(scope)
        and not _needs_https_redirect(scope)
    )


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _host_allowed(scope: dict[str, Any]) -> bool:
    host = _header(scope, b"host")
    if host is None:
        return False
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def _is_secure(scope: dict[str, Any]) -> bool:
    if scope.get("scheme") == "https":
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name, expected = proxy
        value = _header(scope, name.removeprefix("HTTP_").lower().replace("_", "-").encode())
        return value is not None and value.split(",")[0].strip() == expected
    return False


def _needs_https_redirect(scope: dict[str, Any]) -> bool:
    return bool(getattr(settings, "SECURE_SSL_REDIRECT", False)) and not _is_secure(scope)


def security_headers(*, secure: bool) -> list[tuple[str, str]]:
    """What Django's security and clickjacking middleware add to these responses."""
    headers = []
    if secure and settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers.append(("Strict-Transport-Security", value))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", str(settings.SECURE_REFERRER_POLICY)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", str(settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)))
    headers.append(("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()))
    return headers


async def _index() -> FacilityIndex:
    global _refreshing
    index = fresh_index()
    if index is not None:
        return index
    stale = last_index()
    if stale is not None and _refreshing:
        return stale
    _refreshing = True
    try:
        return await sync_to_async(current_index, thread_sensitive=True)()
    finally:
        _refreshing = False


async def _respond(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if status != 304:
        raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def handle(scope: dict[str, Any], receive: Any, send: Send) -> None:
    index = await _index()
    secure = _is_secure(scope)
    if scope["path"] == NEAREST_PATH:
        query_string = scope.get("query_string", b"").decode("utf-8", "replace")
        params = dict(parse_qsl(query_string, keep_blank_values=True))
        lang = pick_language(params.get("lang"), _header(scope, b"accept-language"))
        try:
            query = parse_nearest(params, lang)
        except ParamError as error:
            headers = [*api_headers(lang=lang), ("Cache-Control", "no-store")]
            await _respond(send, 400, headers + security_headers(secure=secure), error_payload(error))
            return
        body = dumps(nearest_payload(index, query, at=timezone.now()))
        headers = [*api_headers(lang=lang), ("Cache-Control", NEAREST_CACHE_CONTROL)]
        await _respond(send, 200, headers + security_headers(secure=secure), body)
        return
    status, headers, body = facilities_response(
        index,
        if_none_match=_header(scope, b"if-none-match"),
        accept_encoding=_header(scope, b"accept-encoding"),
    )
    await _respond(send, status, headers + security_headers(secure=secure), body)
