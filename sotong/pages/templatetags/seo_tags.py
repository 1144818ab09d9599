"""What a resident page says about itself to search engines and SNS: Open Graph, Twitter cards, schema.org."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_head(context: dict[str, Any]) -> SafeString:
    return mark_safe("")  # noqa: S308 - nothing yet
