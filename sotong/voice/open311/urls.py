"""/open311/v2/: every resource as .xml or .json; anything else gets a 404 in the spec's error format."""

from __future__ import annotations

from django.urls import re_path

from sotong.voice.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    # The root shows the discovery document, as the Service Discovery spec suggests.
    re_path(r"^$", views.discovery, {"fmt": "xml"}, name="index"),
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests, name="requests"),
    re_path(r"^requests/(?P<number>[^/]+?)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.token, name="token"),
    re_path(r"^servicerequestupdates" + FORMAT, views.request_updates, name="updates"),
    re_path(r"^(?P<path>[\s\S]*)$", views.unknown, name="unknown"),
]
