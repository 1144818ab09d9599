from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from sotong.core import health
from sotong.site import views as site_views


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: with hashed static names the URL is only known once collected.
    return redirect(static_url("sotong/img/favicon.svg"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Called by Kakao i Open Builder, not by browsers: one address whatever the resident's language.
    path("kakao/skill/", site_views.kakao_skill, name="kakao_skill"),
    path("open311/v2/", include("sotong.voice.open311.urls")),
    path("api/safety/", include("sotong.safety.api_urls")),
    path("cap/", include("sotong.safety.cap_urls")),
    path("tv-ingest/", include("sotong.tv.ingest_urls")),
    path("tv/hls/", include("sotong.tv.media_urls")),
    # Kakao and Naver sign-in for 열린구청장실's identity check: one callback address registered with each provider.
    path("verify/oauth/", include("allauth.socialaccount.providers.kakao.urls")),
    path("verify/oauth/", include("allauth.socialaccount.providers.naver.urls")),
    # /sitemap.xml, /robots.txt and generated share images: one address whatever the language.
    path("", include("sotong.pages.seo_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Korean at the root, English under /en/ and Chinese under /zh-hans/.
urlpatterns += i18n_patterns(
    path("voice/", include("sotong.voice.urls")),
    path("safety/", include("sotong.safety.urls")),
    path("tv/", include("sotong.tv.urls")),
    path("mayor/", include("sotong.petitions.urls")),
    path("search/", include("sotong.pages.search.urls")),
    path("", include("sotong.site.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
