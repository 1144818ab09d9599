"""What a resident page says about itself to search engines and SNS: Open Graph, Twitter cards, schema.org."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from sotong.pages.seo.meta import district_organisation, json_ld, page_meta

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_head(context: Any) -> SafeString:
    """Canonical link, Open Graph and Twitter card meta, and schema.org JSON-LD: the district on every
    page, and the page's own data (NewsArticle, Event …) when it offers ``schema_org(request)``."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    page = context.get("page")
    meta = page_meta(request, page)
    properties = [
        ("og:type", meta.kind),
        ("og:title", meta.title),
        ("og:url", meta.canonical),
        ("og:site_name", str(district_organisation(request)["name"])),
        ("og:locale", meta.locale),
        *(("og:locale:alternate", alternate) for alternate in meta.alternate_locales),
        ("og:image", meta.image),
        ("og:image:width", "1200"),
        ("og:image:height", "630"),
        ("og:image:alt", meta.image_alt),
    ]
    if meta.description:
        properties.insert(2, ("og:description", meta.description))
    names = [
        ("twitter:card", "summary_large_image"),
        ("twitter:title", meta.title),
        ("twitter:image", meta.image),
        ("twitter:image:alt", meta.image_alt),
    ]
    if meta.description:
        names.insert(2, ("twitter:description", meta.description))
    parts = [
        format_html('<link rel="canonical" href="{}">', meta.canonical),
        format_html_join("\n  ", '<meta property="{}" content="{}">', properties),
        format_html_join("\n  ", '<meta name="{}" content="{}">', names),
        json_ld(district_organisation(request)),
    ]
    schema_org = getattr(page, "schema_org", None)
    if callable(schema_org):
        parts.append(json_ld(schema_org(request)))
    return mark_safe("\n  ".join(parts))  # noqa: S308 - every part is escaped above
