"""What each Open311 resource says: services, definitions, requests, updates, the discovery document.

Requests are public, so nothing here names or reaches the resident: no contact details, personal data
masked in the text, and the location rounded to about ten metres.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from sotong.core.i18n import localised
from sotong.core.masking import mask_text
from sotong.core.workdays import SEOUL
from sotong.voice.choices import Status
from sotong.voice.models import Case, ServiceCategory
from sotong.voice.open311.selectors import Update, is_closed

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Raise when the services, their definitions or this API change: clients refresh what they cached.
CHANGESET = "2026-11-26T00:00:00+09:00"
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
NO_GROUP = "기타"
LOCATION_PLACES = Decimal("0.0001")  # about 11 m of latitude: enough to find a pothole, not a door


def w3c(value: datetime | None) -> str | None:
    """W3C datetime in Seoul time, e.g. 2026-01-31T09:00:00+09:00."""
    return value.astimezone(SEOUL).isoformat(timespec="seconds") if value else None


def discovery(*, contact: str) -> dict[str, Any]:
    return {
        "discovery": {
            "changeset": CHANGESET,
            "contact": contact,
            "key_service": "API 키는 구청 소통 담당 부서에 요청하세요. Ask the district office for an API key.",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": f"{settings.SITE_URL}/open311/v2",
                    "changeset": CHANGESET,
                    "type": "test" if settings.DEBUG else "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
    }


def service(category: ServiceCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.localised("description"),
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": ", ".join(category.keywords.split()),
        "group": category.department.name_ko if category.department else NO_GROUP,
    }


def attributes_of(category: ServiceCategory) -> list[dict[str, Any]]:
    """The category's attributes as stored (a JSON list), skipping entries without a code."""
    raw = category.attributes if isinstance(category.attributes, list) else []
    return [a for a in raw if isinstance(a, dict) and isinstance(a.get("code"), str) and a["code"]]


def attribute_values(attribute: dict[str, Any]) -> list[dict[str, str]]:
    values = attribute.get("values") if isinstance(attribute.get("values"), list) else []
    listed = []
    for value in values or []:
        if isinstance(value, dict) and value.get("key") not in (None, ""):
            listed.append(
                {"key": str(value["key"]), "name": (localised(value, "name") or None) or str(value["key"])}
            )
        elif isinstance(value, str | int) and not isinstance(value, bool):
            listed.append({"key": str(value), "name": str(value)})
    return listed


def datatype_of(attribute: dict[str, Any]) -> str:
    datatype = attribute.get("datatype")
    return datatype if datatype in DATATYPES else "string"


def service_definition(category: ServiceCategory) -> dict[str, Any]:
    attributes = []
    for order, attribute in enumerate(attributes_of(category), start=1):
        entry: dict[str, Any] = {
            "variable": attribute.get("variable", True) is not False,
            "code": attribute["code"],
            "datatype": datatype_of(attribute),
            "required": attribute.get("required") is True,
            "datatype_description": (localised(attribute, "datatype_description") or None),
            "order": attribute.get("order") if isinstance(attribute.get("order"), int) else order,
            "description": localised(attribute, "description") or attribute["code"],
        }
        if entry["datatype"] in {"singlevaluelist", "multivaluelist"}:
            entry["values"] = attribute_values(attribute)
        attributes.append(entry)
    return {"service_definition": {"service_code": category.code, "attributes": attributes}}


def _rounded(value: Decimal | None) -> float | None:
    return float(value.quantize(LOCATION_PLACES)) if value is not None else None


def request(case: Case) -> dict[str, Any]:
    answer = getattr(case, "latest_answer", None)
    notice = getattr(case, "acknowledgement", None)
    return {
        "service_request_id": case.number,
        "status": "closed" if is_closed(case.status) else "open",
        "status_notes": mask_text(answer, names=[case.contact_name])
        if answer
        else str(Status(case.status).label),
        "service_name": case.category.name if case.category else None,
        "service_code": case.category.code if case.category else None,
        "description": mask_text(case.text, names=[case.contact_name]),
        "agency_responsible": case.department.name_ko if case.department else None,
        "service_notice": notice or None,
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.deadline),
        "address": mask_text(case.address_text) or (case.dong.name_ko if case.dong else None),
        "lat": _rounded(case.lat),
        "long": _rounded(case.lon),
        "media_url": "",
    }


def update(item: Update) -> dict[str, Any]:
    return {
        "update_id": item.update_id,
        "service_request_id": item.number,
        "status": "closed" if item.closed else "open",
        "updated_datetime": w3c(item.at),
        "description": mask_text(item.description, names=item.names),
        "media_url": "",
    }


def receipt(case: Case) -> dict[str, Any]:
    """The answer to POST Service Request: the id at once (the service type is "realtime")."""
    department = case.department or (case.category.department if case.category else None)
    if department is not None:
        notice = f"접수 번호 {case.number}: {department.name_ko}에서 처리합니다."
    else:
        notice = f"접수 번호 {case.number}: 통합접수 담당자가 담당 부서를 정합니다."
    return {"service_request_id": case.number, "service_notice": notice, "account_id": None}
