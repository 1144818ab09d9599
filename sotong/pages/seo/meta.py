"""What a resident page says about itself in its <head>: canonical address, Open Graph and Twitter card,
and schema.org data (the district as a GovernmentOrganization, and the page's own when it has some)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sotong.organisation.selectors import current_district

OG_LOCALES = {"ko": "ko_KR", "en": "en_US", "zh-hans": "zh_CN"}
DESCRIPTION_LENGTH = 200
# json_script's escapes: a "</script>" or "<!--" inside a string cannot end or comment out the element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict[str, Any]) -> SafeString:
    """``data`` as a <script type="application/ld+json"> element, safe whatever its strings hold. It is
    data, not script: browsers never run it, so the strict CSP (script-src 'self') has nothing to block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


def district_organisation(request: Any) -> dict[str, Any]:
    """The district as schema.org sees it, in the page's language."""
    home = f"{request.scheme}://{request.get_host()}/"
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "GovernmentOrganization", "url": home}
    district = current_district()
    if district is None:
        data["name"] = _("영등포구")
        return data
    data["name"] = district.name
    if district.address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": district.address,
            "addressCountry": "KR",
        }
    if district.phone:
        data["telephone"] = district.phone
    data["areaServed"] = {"@type": "AdministrativeArea", "name": district.name}
    return data


@dataclass(frozen=True)
class Meta:
    title: str
    description: str
    canonical: str
    locale: str
    alternate_locales: list[str]
    image: str
    image_alt: str
    kind: str  # og:type


def page_meta(request: Any, page: Any) -> Meta:
    language = get_language() or "ko"
    site_name = _("영등포구 소통")
    canonical = request.build_absolute_uri(request.path)
    if page is not None and getattr(page, "pk", None):
        title = page.seo_title or page.title
        description = _description(page)
        image = request.build_absolute_uri(reverse("share_image", kwargs={"page_id": page.pk}))
        kind = "article" if hasattr(page, "schema_org") and hasattr(page, "summary") else "website"
    else:
        title = site_name
        description = _(
            "영등포구와 주민이 함께 소통하는 누리집입니다. 민원 신청, 답변 사례, 안전 정보, 소통TV를 한곳에서 만나세요."
        )
        image = request.build_absolute_uri(reverse("share_image_site", kwargs={"language": language}))
        kind = "website"
    return Meta(
        title=title,
        description=description,
        canonical=canonical,
        locale=OG_LOCALES.get(language, "ko_KR"),
        alternate_locales=[v for k, v in OG_LOCALES.items() if k != language],
        image=image,
        image_alt=title,
        kind=kind,
    )


def _description(page: Any) -> str:
    for name in ("search_description", "summary", "intro"):
        value = getattr(page, name, "")
        if value:
            text = " ".join(strip_tags(str(value)).split())
            return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1] + "…"
    return ""
