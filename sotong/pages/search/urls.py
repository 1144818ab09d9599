from __future__ import annotations

from django.urls import URLPattern, path

from sotong.pages.search import views

app_name = "search"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
]
