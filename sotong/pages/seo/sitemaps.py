"""/sitemap.xml: every live public Wagtail page in every language, with its translations as hreflang
alternates, and the resident pages that are not Wagtail pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page

# Resident pages outside Wagtail worth finding, by URL name; those not (yet) routed are left out.
RESIDENT_URL_NAMES = [
    "voice:submit",
    "voice:answered",
    "voice:stats",
    "safety:home",
    "safety:guides",
    "safety:map",
    "safety:alert_list",
    "tv:index",
    "petitions:index",
    "petitions:proposals",
    "petitions:about",
    "petitions:messages",
    "petitions:schedule",
    "petitions:statistics",
    "site:privacy",
    "site:terms",
]


class PageSitemap(Sitemap):
    """Wagtail pages of every locale (each language has its own tree under the root), one <url> each
    with every translation's address, the page's own included, as the sitemaps protocol asks."""

    def __init__(self, request: Any = None) -> None:
        self.request = request

    def items(self) -> list[Page]:
        pages = list(
            Page.objects.live()
            .public()
            .exclude(depth=1)
            .select_related("locale")
            .defer_streamfields()
            .order_by("path")
        )
        pages = [
            p for p in pages if p.get_url_parts(self.request)
        ]  # pages outside every site have no address
        self._translations: dict[Any, list[Page]] = {}
        for page in pages:
            self._translations.setdefault(page.translation_key, []).append(page)
        return pages

    def location(self, item: Page) -> str:
        # The path only: the sitemap is served for the host it was asked on (one site per install).
        parts = item.get_url_parts(self.request)
        return parts[2] if parts else "/"

    def lastmod(self, item: Page) -> Any:
        return item.last_published_at or item.latest_revision_created_at

    def _urls(self, page: Any, protocol: str, domain: str) -> list[dict[str, Any]]:
        urls: list[dict[str, Any]] = super()._urls(page, protocol, domain)  # type: ignore[misc]
        for info in urls:
            item = info["item"]
            translations = self._translations.get(item.translation_key, [item])
            if len(translations) < 2:
                continue
            info["alternates"] = [
                {"lang_code": t.locale.language_code, "location": f"{protocol}://{domain}{self.location(t)}"}
                for t in translations
            ]
            korean = [t for t in translations if t.locale.language_code == settings.LANGUAGE_CODE]
            if korean:
                info["alternates"].append(
                    {"lang_code": "x-default", "location": f"{protocol}://{domain}{self.location(korean[0])}"}
                )
        return urls


class ResidentPagesSitemap(Sitemap):
    """Django views residents read, in every language (Korean at the root)."""

    i18n = True
    alternates = True
    x_default = True

    def items(self) -> list[str]:
        names = []
        for name in RESIDENT_URL_NAMES:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            names.append(name)
        return names

    def location(self, item: str) -> str:
        return reverse(item)


def sitemaps(request: Any) -> dict[str, type[Sitemap[Any]] | Sitemap[Any]]:
    return {"pages": PageSitemap(request), "resident": ResidentPagesSitemap()}
