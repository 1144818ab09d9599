"""The public pages residents open most (home, 행복공감 and 구정소식), kept rendered for a few seconds.

Rendering the home page asks every domain for its block (alerts, 소통TV, answers, proposals, news, this month's
story): some thirty queries. What an anonymous resident sees is the same for everyone, so the rendered page is kept
per address for ``PAGES_CACHE_SECONDS`` (decision 0086) and forgotten at once, in every process that shares the
cache, when a page is published, unpublished, moved or deleted, or an alert or a broadcast changes (the same saves
that refresh open home pages, ``pages.live``). Changes made in another process of the embedded shape (the worker's
CAP poll, scheduled publishing) show on a newly opened page within those seconds; open home pages are told at once
over their websocket and fetch their blocks uncached.

Never cached: a signed-in user (the Wagtail user bar, previews), a request with a session or pending messages (a
"thank you" shown once), a query string (filters, pages of a list), anything but the page's own address (its
routes: feeds, forms, ``live/blocks/``) and any response other than a plain 200.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

VERSION_KEY = "pages:rendered:version"


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return int(version)


def forget_all() -> None:
    """Every kept page is stale: the next request renders afresh (one key, shared by every process using it)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, None)


def _cacheable(request: HttpRequest, page: Any) -> bool:
    if request.method not in ("GET", "HEAD") or request.GET or getattr(request, "is_preview", False):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return request.path == page.get_url(request)


def serve_cached(page: Any, request: HttpRequest, render: Callable[[], Any]) -> Any:
    """``render()`` the page, or answer with the copy rendered for the same address a moment ago."""
    seconds = settings.PAGES_CACHE_SECONDS
    if seconds <= 0 or not _cacheable(request, page):
        return render()
    key = f"pages:rendered:{_version()}:{request.get_host()}:{request.path}"
    kept = cache.get(key)
    if kept is not None:
        content, content_type, language = kept
        response = HttpResponse(content, content_type=content_type)
        if language:
            response["Content-Language"] = language
        return response
    response = render()
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
        cache.set(
            key,
            (response.content, response["Content-Type"], response.get("Content-Language", "")),
            seconds,
        )
    return response


class CachedServeMixin:
    """A page whose own address is served from ``serve_cached`` (put before ``Page`` in the bases)."""

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        parent: Any = super()
        return serve_cached(self, request, lambda: parent.serve(request, *args, **kwargs))
