from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from lxml import etree

from sotong.voice.models import ServiceCategory

pytestmark = pytest.mark.django_db

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


def xml(response: Any) -> Any:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(XML_DECLARATION)
    return etree.fromstring(response.content)


def test_discovery_names_the_v2_endpoint_in_json_and_xml(district: Any) -> None:
    client = Client()
    data = client.get("/open311/v2/discovery.json").json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "영등포구" in data["contact"]

    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    assert root.xpath("endpoints/endpoint/formats/format/text()") == ["text/xml", "application/json"]
    # The endpoint's root shows the same document.
    assert etree.fromstring(client.get("/open311/v2/").content).tag == "discovery"


def test_services_list_every_active_category_in_korean_by_default(district: Any) -> None:
    ServiceCategory.objects.filter(code="snow_ice").update(is_active=False)
    response = Client().get("/open311/v2/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = {s["service_code"]: s for s in response.json()}
    active = set(ServiceCategory.objects.filter(is_active=True).values_list("code", flat=True))
    assert set(services) == active and "snow_ice" not in services
    road = services["road_damage"]
    assert road == {
        "service_code": "road_damage",
        "service_name": "도로·보도 파손",
        "description": "포트홀, 보도블록·점자블록 파손, 도로 함몰",
        "metadata": False,
        "type": "realtime",
        "keywords": "포트홀, 보도블록, 싱크홀, 함몰",
        "group": "도로과",
    }
    assert services["illegal_parking"]["metadata"] is True
    assert services["general"]["group"] == "기타"


def test_services_speak_english_by_locale_and_chinese_by_accept_language(district: Any) -> None:
    client = Client()
    english = {s["service_code"]: s for s in client.get("/open311/v2/services.json?locale=en_US").json()}
    assert english["road_damage"]["service_name"] == "Damaged road or pavement"
    assert english["road_damage"]["group"] == "도로과"  # the directory's name, as agencies are known
    chinese = client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    assert chinese["Content-Language"] == "zh-hans"
    assert {s["service_code"]: s for s in chinese.json()}["road_damage"]["service_name"] == "道路·人行道破损"
    fallback = client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="fr-FR, de;q=0.8")
    assert fallback["Content-Language"] == "ko"


def test_services_xml_has_the_specs_elements(district: Any) -> None:
    root = xml(Client().get("/open311/v2/services.xml?locale=en"))
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    road = root.xpath("service[service_code='road_damage']")[0]
    assert road.findtext("service_name") == "Damaged road or pavement"
    assert road.findtext("metadata") == "false"
    assert road.findtext("type") == "realtime"


def test_a_service_definition_lists_its_attributes(district: Any) -> None:
    client = Client()
    definition = client.get("/open311/v2/services/illegal_parking.json").json()
    assert definition == {
        "service_code": "illegal_parking",
        "attributes": [
            {
                "variable": True,
                "code": "vehicle_number",
                "datatype": "string",
                "required": False,
                "datatype_description": None,
                "order": 1,
                "description": "차량 번호",
            }
        ],
    }
    english = client.get("/open311/v2/services/illegal_parking.json", {"locale": "en"}).json()
    assert english["attributes"][0]["description"] == "Vehicle number"


def test_a_list_attribute_has_its_values_in_json_and_xml(district: Any) -> None:
    ServiceCategory.objects.create(
        code="test_bins",
        name_ko="수거함",
        attributes=[
            {
                "code": "bin_kind",
                "datatype": "singlevaluelist",
                "required": True,
                "description_ko": "수거함 종류",
                "description_en": "Kind of bin",
                "values": [{"key": "clothes", "name_ko": "의류", "name_en": "Clothes"}, "battery"],
            }
        ],
    )
    client = Client()
    (attribute,) = client.get("/open311/v2/services/test_bins.json?locale=en").json()["attributes"]
    assert attribute["required"] is True
    assert attribute["values"] == [
        {"key": "clothes", "name": "Clothes"},
        {"key": "battery", "name": "battery"},
    ]

    root = xml(client.get("/open311/v2/services/test_bins.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "test_bins"
    element = root.find("attributes/attribute")
    assert [child.tag for child in element] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert element.findtext("required") == "true"
    assert element.xpath("values/value/name/text()") == ["의류", "battery"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_or_inactive_service_is_a_404_in_the_error_format(district: Any, fmt: str) -> None:
    ServiceCategory.objects.filter(code="snow_ice").update(is_active=False)
    client = Client()
    for code in ("no_such_service", "snow_ice"):
        response = client.get(f"/open311/v2/services/{code}.{fmt}")
        assert response.status_code == 404
        if fmt == "json":
            ((error),) = response.json()
            assert error["code"] == 404 and code in error["description"]
        else:
            root = xml(response)
            assert root.tag == "errors"
            assert root.findtext("error/code") == "404"


def test_an_unknown_jurisdiction_is_a_404_and_ours_is_accepted(district: Any) -> None:
    client = Client()
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "yeongdeungpo"}).status_code == 200
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "127.0.0.1"}).status_code == 200
    response = client.get("/open311/v2/services.json", {"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_an_unknown_resource_or_method_gets_the_error_format(district: Any) -> None:
    client = Client()
    missing = client.get("/open311/v2/nothing-here.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    root = xml(client.get("/open311/v2/services.html"))
    assert root.findtext("error/code") == "404"
    wrong_method = client.delete("/open311/v2/services.json")
    assert wrong_method.status_code == 405
    assert wrong_method["Allow"] == "GET, HEAD"
    assert wrong_method.json()[0]["code"] == 405
