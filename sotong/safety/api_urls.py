"""JSON APIs of the safety module at /api/safety/ (one address whatever the language). The first two are
also answered before Django by `fastpath.py`."""

from __future__ import annotations

from django.urls import URLPattern, path

from sotong.safety.views import api, push

app_name = "safety_api"

urlpatterns: list[URLPattern] = [
    path("shelters/nearest", api.shelters_nearest, name="shelters_nearest"),
    path("facilities.json", api.facilities_json, name="facilities_json"),
    path("layers.json", api.layers_json, name="layers_json"),
    path("layers/<slug:slug>.geojson", api.layer_geojson, name="layer_geojson"),
    # Alert subscriptions, called by the safety page's JavaScript, and the two pages an e-mail links to.
    path("push/vapid-public-key", push.vapid_public_key, name="push_vapid_public_key"),
    path("push/subscribe", push.subscribe, name="push_subscribe"),
    path("push/subscriptions/<uuid:token>", push.subscription, name="push_subscription"),
    path("push/contact", push.contact, name="push_contact"),
    path("push/contact/<uuid:token>/confirm", push.contact_confirm, name="push_contact_confirm"),
    path("push/confirm/<str:signed>", push.confirm_link, name="push_confirm"),
    path("push/unsubscribe/<uuid:token>", push.unsubscribe_link, name="push_unsubscribe"),
]
