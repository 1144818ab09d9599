from __future__ import annotations

from django.urls import URLPattern, path

from sotong.site import legal

app_name = "site"

urlpatterns: list[URLPattern] = [
    path("privacy/", legal.privacy, name="privacy"),
    path("terms/", legal.terms, name="terms"),
]
