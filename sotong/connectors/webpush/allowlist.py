"""Which URLs a push may go to: the endpoints of the known push services, never an arbitrary URL.

A subscription's endpoint comes from the resident's browser, so anyone can send us any URL; pushing to
it would let them make our server call inside our network (SSRF). An endpoint is refused unless it is
https on port 443, with no user name or password, a host name (not an IP literal) on
WEBPUSH_ALLOWED_HOSTS ("*.example.com" allows any subdomain of example.com, not example.com itself).
Checked when a resident subscribes and again before every send.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings

MAX_LENGTH = 1000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _host_allowed(host: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        pattern = pattern.strip().lower().rstrip(".")
        if pattern.startswith("*."):
            suffix = pattern[1:]  # ".push.apple.com"
            if host.endswith(suffix) and len(host) > len(suffix):
                return True
        elif host == pattern:
            return True
    return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        # Forms the resolver would still read as an address: 2130706433, 0x7f.1, 127.1
        return host.replace(".", "").isdigit() or host.startswith("0x")
    return True


def endpoint_refusal(endpoint: str) -> str | None:
    """Why this endpoint may not be pushed to, or None when it may."""
    if not isinstance(endpoint, str) or not endpoint:
        return "no endpoint"
    if len(endpoint) > MAX_LENGTH:
        return "the endpoint is too long"
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in endpoint):
        return "the endpoint contains spaces, control characters or backslashes"
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "the endpoint is not a valid URL"
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "the endpoint carries a user name or password"
    if parts.fragment:
        return "the endpoint has a fragment"
    if not host:
        return "the endpoint has no host"
    if getattr(settings, "WEBPUSH_ALLOW_LOOPBACK", False) and host in LOOPBACK_HOSTS:
        # Tests and the benchmark's receiver only (production settings refuse the switch).
        return None if parts.scheme in ("http", "https") else "the endpoint is not http(s)"
    if parts.scheme != "https":
        return "the endpoint is not https"
    if port not in (None, 443):
        return "the endpoint uses a port other than 443"
    if host.endswith(".") or _is_ip_literal(host):
        return "the endpoint's host is an IP address or not a plain host name"
    if not _host_allowed(host, list(settings.WEBPUSH_ALLOWED_HOSTS)):
        return f"{host} is not a known push service"
    return None


def endpoint_allowed(endpoint: str) -> bool:
    return endpoint_refusal(endpoint) is None
