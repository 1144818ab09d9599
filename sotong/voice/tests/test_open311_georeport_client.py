"""A real Open311 client (PyPI's ``georeport``, GET only) reads the endpoint over loopback.

The package is a development dependency (pyproject's dev extra).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import georeport
import pytest
from django.test import Client

from sotong.voice.models import Case
from sotong.voice.open311.keys import key_create
from sotong.voice.services.routing import case_route

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reported(district: Any, settings: Any) -> str:
    settings.OPEN311_POST_LIMIT_PER_IP = settings.OPEN311_POST_LIMIT_PER_KEY = 100_000
    _key, raw = key_create(name="georeport-smoke")
    fields = {
        "api_key": raw,
        "service_code": "streetlight",
        "lat": "37.5172",
        "long": "126.9074",
        "description": "가로등이 깜빡여요.",
        "attribute[pole_number]": "YDP-0042",
    }
    response = Client().post(
        "/open311/v2/requests.json", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )
    number = str(response.json()[0]["service_request_id"])
    case_route(case=Case.objects.get(number=number))
    return number


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_services_and_requests(
    live_server: Any, reported: str, output_format: str
) -> None:
    client = georeport.GeoReport(
        f"{live_server.url}/open311/v2", jurisdiction="yeongdeungpo", output_format=output_format
    )
    services = {s["service_code"]: s for s in client.get_service_list()}
    assert services["streetlight"]["service_name"] == "가로등·보안등 고장"
    definition = client.get_service_definition("streetlight")
    assert definition["service_code"] == "streetlight"

    requests = client.get_service_requests(status="open")
    if isinstance(requests, dict):  # xmltodict gives one <request> as a dict, several as a list
        requests = [requests]
    assert reported in {r["service_request_id"] for r in requests}

    one = client.get_service_request(reported)
    assert one["service_request_id"] == reported
    assert one["agency_responsible"] == "도로과"
    assert one["service_code"] == "streetlight"
    assert "YDP-0042" in one["description"]
