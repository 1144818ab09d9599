from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Page

from sotong.organisation.selectors import current_district
from sotong.pages.seo import share
from sotong.pages.seo.sitemaps import sitemaps

# Resident pages that belong to one person (a case, a reminder, a sign-in) or are not pages at all;
# each is disallowed in every language.
PRIVATE_URL_NAMES = [
    "voice:track_lookup",
    "voice:submitted",
    "petitions:verify",
    "petitions:propose",
    "petitions:letter",
    "safety:sync_data",
    "search:index",
]
PRIVATE_PREFIXES = [
    "/admin/",
    "/kakao/",
    "/api/",
    "/open311/",
    "/cap/",
    "/tv-ingest/",
    "/tv/hls/",
    "/accounts/",
]
SHARE_IMAGE_SECONDS = 60 * 60 * 24


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    return django_sitemap(request, sitemaps=sitemaps(request))


def _private_paths() -> list[str]:
    paths = list(PRIVATE_PREFIXES)
    for language in ("ko", "en", "zh-hans"):
        with translation.override(language):
            for name in PRIVATE_URL_NAMES:
                try:
                    path = (
                        reverse(name, kwargs={"number": "x"}) if name == "voice:submitted" else reverse(name)
                    )
                except NoReverseMatch:
                    continue
                paths.append(path.removesuffix("x/") if name == "voice:submitted" else path)
    return list(dict.fromkeys(paths))


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in _private_paths()]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _png(body: bytes, *, modified: Any = None) -> HttpResponse:
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={SHARE_IMAGE_SECONDS}"
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    return response


@require_GET
def share_image(request: HttpRequest, page_id: int) -> HttpResponse:
    """The share picture of a live public page, made again only when the page is published again."""
    page = Page.objects.live().public().filter(pk=page_id).exclude(depth=1).select_related("locale").first()
    if page is None:
        raise Http404
    published = page.last_published_at
    key = f"share-image:{page.pk}:{published.timestamp() if published else 0}"
    body = cache.get(key)
    if body is None:
        specific = page.specific
        hero = getattr(specific, "og_image", None)
        image = hero() if callable(hero) else None
        with translation.override(page.locale.language_code):
            district = current_district()
            district_name = district.name if district else _("영등포구")
            site_name = _("영등포구 소통")
        if image is not None:
            with image.open_file() as file:
                body = share.render(title=page.title, district=district_name, site_name=site_name, hero=file)
        else:
            body = share.render(title=page.title, district=district_name, site_name=site_name)
        cache.set(key, body, SHARE_IMAGE_SECONDS)
    return _png(body, modified=published)


@require_GET
def share_image_site(request: HttpRequest, language: str) -> HttpResponse:
    """The share picture of pages that are not Wagtail pages (voice, safety, 소통TV …), per language."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    key = f"share-image:site:{language}"
    body = cache.get(key)
    if body is None:
        with translation.override(language):
            district = current_district()
            body = share.render(
                title=_("영등포구와 주민이 함께 소통합니다"),
                district=district.name if district else _("영등포구"),
                site_name=_("영등포구 소통"),
            )
        cache.set(key, body, SHARE_IMAGE_SECONDS)
    return _png(body)
