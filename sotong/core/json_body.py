"""Reading the small JSON bodies that pages' scripts send (push subscriptions, sync, …)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _


def json_object(request: HttpRequest, *, max_bytes: int, invalid: type[Exception]) -> dict[str, Any]:
    """The body as a JSON object; `invalid` (raised with a message in the resident's language) when it
    is too large or not a JSON object."""
    if len(request.body) > max_bytes:
        raise invalid(_("보낸 내용이 너무 큽니다."))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(_("보낸 내용을 읽을 수 없습니다.")) from exc
    if not isinstance(data, dict):
        raise invalid(_("보낸 내용을 읽을 수 없습니다."))
    return data
