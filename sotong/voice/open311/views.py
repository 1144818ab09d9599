"""Open311 GeoReport v2 endpoints: check the request, call one selector or service, render XML or JSON."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from sotong.core.ratelimit import Limit, allow
from sotong.organisation.selectors import current_district
from sotong.voice.open311 import resources, selectors
from sotong.voice.open311.errors import Open311Error
from sotong.voice.open311.intake import clean, request_create
from sotong.voice.open311.keys import key_check
from sotong.voice.open311.params import (
    CASE_NUMBER,
    SERVICE_CODE,
    check_jurisdiction,
    comma_list,
    period,
    requested_language,
    statuses,
)
from sotong.voice.open311.render import error_response, errors_response, render

# A report is a few kilobytes; 4,000 Korean characters URL-encoded are about 36 KiB.
MAX_BODY = 64 * 1024
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
NOT_UTF8 = (
    "The request body is not valid UTF-8; send the form as application/x-www-form-urlencoded; charset=utf-8."
)
REPLACEMENT = "\ufffd"

View = Callable[..., HttpResponse]


def post_limits() -> tuple[Limit, Limit]:
    """Per address and per key, each per 10 minutes. A request with a valid key counts against its key
    only: a partner's server relays many residents from one address. Every other request (no key, an
    unknown or revoked one, a body that cannot be read) counts against its address (decision 0064)."""
    return (
        Limit("open311.post.ip", int(getattr(settings, "OPEN311_POST_LIMIT_PER_IP", 120)), 600),
        Limit("open311.post.key", int(getattr(settings, "OPEN311_POST_LIMIT_PER_KEY", 600)), 600),
    )


def endpoint(*methods: str) -> Callable[[View], View]:
    """Errors in the spec's format (and the URL's format), the language asked for, no CSRF (keys instead)."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
            language = requested_language(request)
            with translation.override(language):
                try:
                    if request.method not in allowed:
                        raise Open311Error(
                            405, f"{request.method} is not allowed here; use {' or '.join(methods)}."
                        )
                    if request.method in {"GET", "HEAD"}:
                        check_jurisdiction(request.GET)
                    response = view(request, fmt, **kwargs)
                except Open311Error as error:
                    response = error_response(fmt, error)
                    if error.status == 405:
                        response["Allow"] = ", ".join(sorted(allowed))
            response["Content-Language"] = language
            patch_vary_headers(response, ["Accept-Language"])
            return response

        return wrapped

    return decorate


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    district = current_district()
    contact = f"{district.name_ko} {district.phone}".strip() if district else ""
    return render(resources.discovery(contact=contact), fmt)


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render({"services": [resources.service(c) for c in selectors.services_public()]}, fmt)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = selectors.service_public(code=code) if SERVICE_CODE.fullmatch(code) else None
    if category is None:
        raise Open311Error(404, f"service_code {code[:60]!r} was not found.")
    return render(resources.service_definition(category), fmt)


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    numbers = comma_list(params.get("service_request_id"))
    if numbers:
        # "This overrides all other arguments."
        cases = selectors.requests_by_number(numbers=[n for n in numbers if CASE_NUMBER.fullmatch(n)])
    else:
        codes = comma_list(params.get("service_code"))
        cases = selectors.requests_matching(
            period=period(params),
            service_codes=[c for c in codes if SERVICE_CODE.fullmatch(c)] if codes else None,
            statuses=statuses(params.get("status")),
        )
    return render({"service_requests": [resources.request(case) for case in cases]}, fmt)


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    by_address, by_key = post_limits()
    try:
        data = _form(request)
        key = key_check(raw=str(data.get("api_key", "")))
        if key is None:
            check_jurisdiction(data)  # a wrong jurisdiction_id is named first, as for a keyed request
            raise Open311Error(403, "api_key is missing or not valid.")
    except Open311Error:
        # Without a valid key the address is all there is to count (and key guessing is slowed).
        if not allow(request, by_address):
            raise Open311Error(
                429, "Too many requests from this address; try again in a few minutes."
            ) from None
        raise
    # The digest, not the name: a key made again under an old name starts with a fresh count.
    if not allow(request, by_key, key=key.key_digest[:32]):
        raise Open311Error(429, "Too many requests with this api_key; try again in a few minutes.")
    check_jurisdiction(data)
    idempotency_key = request.headers.get("Idempotency-Key", "").strip()
    case, _created = request_create(data=data, key=key, idempotency_key=idempotency_key)
    return render({"service_requests": [resources.receipt(case)]}, fmt)


def _form(request: HttpRequest) -> QueryDict:
    """The posted form, refusing bodies that are too large or are not a form."""
    too_large = Open311Error(413, f"The request body is larger than {MAX_BODY // 1024} KiB.")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Open311Error(400, "Content-Length is not a number.") from None
    if declared > MAX_BODY:
        raise too_large
    if request.content_type not in FORM_TYPES:
        raise Open311Error(400, "Send the request as application/x-www-form-urlencoded; charset=utf-8.")
    try:
        if len(request.body) > MAX_BODY:
            raise too_large
        data = request.POST
    except RequestDataTooBig:
        raise too_large from None
    except (BadRequest, MultiPartParserError, SuspiciousOperation):
        # Also a form in another charset than UTF-8, which the spec requires.
        raise Open311Error(400, "The request body cannot be read as a UTF-8 form.") from None
    if not _decodes(request, data):
        raise Open311Error(400, NOT_UTF8)
    return data


def _decodes(request: HttpRequest, data: QueryDict) -> bool:
    """False when the form holds bytes that are not text in its charset (UTF-8 unless it says another).

    Django reads such bytes anyway, as Latin-1 or as U+FFFD: the case would be stored as mojibake."""
    encoding = request.encoding or settings.DEFAULT_CHARSET
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            parse_qsl(
                request.body.decode(encoding),
                keep_blank_values=True,
                encoding=encoding,
                errors="strict",
                max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            )
        except UnicodeDecodeError:
            return False
        return True
    # Multipart: Django decodes each field with errors="replace"; a replacement character is what is
    # left of bytes that were not text (no resident types one).
    return not any(
        REPLACEMENT in name or any(REPLACEMENT in v for v in values) for name, values in data.lists()
    )


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    case = selectors.request_by_number(number=number) if CASE_NUMBER.fullmatch(number) else None
    if case is None:
        raise Open311Error(404, f"service_request_id {number[:40]!r} was not found.")
    return render({"service_requests": [resources.request(case)]}, fmt)


@endpoint("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    usable = 0 < len(token) <= 200 and clean(token) == token
    case = selectors.request_for_token(token=token) if usable else None
    if case is None:
        raise Open311Error(404, f"token {token[:40]!r} was not found.")
    return render({"service_requests": [{"service_request_id": case.number, "token": token}]}, fmt)


@endpoint("GET")
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """FixMyStreet's extension: what happened to requests between start_date and end_date."""
    updates = selectors.updates_in(period=period(request.GET))
    return render({"service_request_updates": [resources.update(u) for u in updates]}, fmt)


@csrf_exempt
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    fmt = "json" if path.endswith(".json") else "xml"
    return errors_response(fmt, 404, [f"There is no Open311 resource at {path[:80]!r}; see discovery.xml."])
