"""Open311 output: one data tree, written as XML or as JSON by the Spark convention.

The tree is ``{root: content}``. XML keeps the root element and names each item of a list after its
list (``services`` → ``service``); JSON drops the root, so a list of services is a bare array.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from lxml import etree

from sotong.voice.open311.errors import Open311Error

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# lxml writes the declaration with single quotes; the spec's examples (and some clients) use these.
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

# The element an item of each list becomes (GeoReport v2, its discovery document, FixMyStreet's updates).
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry (control characters, surrogates, U+FFFE/U+FFFF): text from other
# channels may hold them, and lxml refuses to write them.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(tree: dict[str, Any], fmt: str, *, status: int = 200) -> HttpResponse:
    ((root, content),) = tree.items()
    if fmt == "json":
        # "replace" keeps a lone surrogate from another channel's text from failing the whole list.
        body = json.dumps(content, ensure_ascii=False).encode("utf-8", "replace")
    else:
        body = XML_DECLARATION + etree.tostring(_element(root, content), encoding="utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["xml"]))


def _element(name: str, value: Any) -> etree._Element:
    element = etree.Element(name)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES.get(name, name.removesuffix("s"))
        for item in value:
            element.append(_element(item_name, item))
    elif value is not None:
        element.text = _text(value)
    return element


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def errors_response(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    """The spec's error list; ``code`` repeats the HTTP status."""
    errors = [{"code": status, "description": str(description)} for description in descriptions]
    return render({"errors": errors}, fmt if fmt in FORMATS else "xml", status=status)


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    return errors_response(fmt, error.status, error.descriptions)
