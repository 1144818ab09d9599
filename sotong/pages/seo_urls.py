from __future__ import annotations

from django.urls import URLPattern, path

from sotong.pages.seo import views

urlpatterns: list[URLPattern] = [
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    path("share/site-<str:language>.png", views.share_image_site, name="share_image_site"),
    path("share/<int:page_id>.png", views.share_image, name="share_image"),
]
