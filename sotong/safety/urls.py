"""Resident pages of the safety module (Korean at /safety/, English under /en/safety/, ...)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sotong.safety.views import alerts, pages, pwa, safety_map, sync

app_name = "safety"

urlpatterns: list[URLPattern] = [
    path("", pages.home, name="home"),
    path("guides/", pages.guides, name="guides"),
    path("guides/<slug:hazard>/", pages.guide, name="guide"),
    path("map/", safety_map.safety_map, name="map"),
    path("offline/", pwa.offline, name="offline"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert_detail"),
    # The optional sync account (decision 0056), under each language so that answers come in the page's.
    path("sync/data", sync.data, name="sync_data"),
    path("sync/sign-in/request", sync.sign_in_request_view, name="sync_sign_in_request"),
    path("sync/sign-in/", sync.sign_in, name="sync_sign_in"),
    path("sync/sign-out", sync.sign_out_view, name="sync_sign_out"),
    path("sync/account/delete", sync.account_delete_view, name="sync_account_delete"),
]
