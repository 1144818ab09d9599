from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template import Engine
from django.urls import translate_url
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from sotong.core.blocks import blocks as registered_blocks
from sotong.core.i18n import language_suffix
from sotong.core.i18n import localised as localised_value

register = template.Library()

# BCP 47 tags for the lang and hreflang attributes.
LANG_TAGS = {"ko": "ko", "en": "en", "zh-hans": "zh-Hans"}


@register.simple_tag
def lang_tag(code: str | None = None) -> str:
    code = (code or get_language() or settings.LANGUAGE_CODE).lower()
    return LANG_TAGS.get(code, code)


@register.simple_tag
def localised(source: Any, field: str) -> str:
    """``{% localised item "title" %}``: the field in the page's language, Korean when untranslated
    (core.i18n.localised); ``{% localised item "description" as text %}`` keeps it."""
    return localised_value(source, field)


@register.simple_tag
def localised_lang(source: Any, field: str) -> str:
    """The BCP 47 tag of what ``{% localised source field %}`` shows: Korean when the page's language has no
    translation (for a lang attribute, WCAG 3.1.2)."""
    suffix = language_suffix()
    if suffix != "ko" and not getattr(source, f"{field}_{suffix}", ""):
        return "ko"
    return lang_tag()


@register.filter
def minutes(value: Any) -> int:
    """A timedelta in whole minutes (rounded up), for messages like "try again in 15 minutes"."""
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else 0
    return int(-(-seconds // 60))


@register.simple_tag
def home_url() -> str:
    code = (get_language() or settings.LANGUAGE_CODE).lower()
    return "/" if code == settings.LANGUAGE_CODE else f"/{code}/"


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The current page in every language: [{code, tag, name, url, current}]."""
    request = context.get("request")
    if request is None:
        return []
    current = (get_language() or settings.LANGUAGE_CODE).lower()
    page = context.get("page")
    translations: dict[str, Page] = {}
    suffix = ""
    if isinstance(page, Page):
        translations = {
            p.locale.language_code.lower(): p
            for p in page.get_translations(inclusive=True).live().select_related("locale")
        }
        page_url = page.get_url(request) or ""
        if page_url and request.path.startswith(page_url):
            suffix = request.path[len(page_url) :]
    links = []
    for code, name in settings.LANGUAGES:
        code = code.lower()
        if code in translations:
            url = (translations[code].get_url(request) or "/") + suffix
        else:
            url = translate_url(request.path, code)
            # Keep the query: a tracking page's token, a search, a filter.
            if request.META.get("QUERY_STRING"):
                url += "?" + request.META["QUERY_STRING"]
        links.append(
            {
                "code": code,
                "tag": LANG_TAGS.get(code, code),
                "name": name,
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def blocks(context: template.Context, region: str) -> SafeString:
    """The blocks domains registered for ``region`` of a resident page (sotong.core.blocks), each rendered
    with its own context; a block with nothing to show adds nothing."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    parts = []
    for block in registered_blocks(region):
        data = block.context(request)
        if data is None:
            continue
        engine = context.template.engine if context.template is not None else Engine.get_default()
        with context.push(**data):
            parts.append(engine.get_template(block.template).render(context))
    return mark_safe("".join(parts))  # noqa: S308 - each part is a template rendered with autoescaping
