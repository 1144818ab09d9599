"""POST Service Request: check what an Open311 client sent and store it as a case (store first)."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import QueryDict
from django.utils import timezone

from sotong.core.crypto import digest
from sotong.core.workdays import SEOUL
from sotong.organisation.models import Dong
from sotong.voice.choices import Channel, LocationSource
from sotong.voice.forms import LAT_RANGE, LON_RANGE, PHONE
from sotong.voice.models import Case, Open311Key, ServiceCategory
from sotong.voice.open311.errors import Open311Error
from sotong.voice.open311.params import SERVICE_CODE, w3c_datetime
from sotong.voice.open311.resources import attribute_values, attributes_of, datatype_of
from sotong.voice.open311.selectors import service_public
from sotong.voice.services.intake import MAX_TEXT, Submission, case_receive

MAX_FIELD = 200
MAX_NAME = 60
MAX_ATTRIBUTE_VALUE = 500
MAX_MEDIA_URL = 500
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:~+=-]{1,100}")
ATTRIBUTE = re.compile(r"attribute\[([^\[\]]{1,100})\](\[\])?")
# Control characters (tab and line breaks stay), surrogates and non-characters: PostgreSQL refuses NUL,
# XML cannot carry the rest, and none belongs in what a resident wrote.
UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
HANGUL = re.compile(r"[가-힣]+")
COORDINATE = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,15})?")
MICRODEGREE = Decimal("0.000001")
IN_KOREA = (
    f"lat/long must be in the Republic of Korea (lat {LAT_RANGE[0]}-{LAT_RANGE[1]}, "
    f"long {LON_RANGE[0]}-{LON_RANGE[1]}); check that lat and long are not swapped."
)


def clean(value: str) -> str:
    return UNWANTED.sub("", value).strip()


def request_create(*, data: QueryDict, key: Open311Key, idempotency_key: str = "") -> tuple[Case, bool]:
    """Store the request as a case, once: a retry returns the case made the first time. An
    Idempotency-Key used before for a different body is refused (422), as the IETF draft on the header
    asks, rather than answered with the other request's case."""
    submission = submission_for(data=data, key=key, idempotency_key=idempotency_key)
    case, created = case_receive(submission=submission)
    # Cases stored before bodies were compared have no digest: a retry with their key is taken as before.
    if not created and case.request_digest and case.request_digest != submission.request_digest:
        raise Open311Error(
            422,
            "The Idempotency-Key was used before for a different request; a retry must send the same "
            "body, and a new request needs a new key.",
        )
    return case, created


def request_digest(data: QueryDict) -> str:
    """A keyed digest of the request: every field as sent, in name order, but the api_key (a client may
    change its key between tries). The same form sent urlencoded or as multipart has the same digest."""
    fields = sorted((name, values) for name, values in data.lists() if name != "api_key")
    return digest(json.dumps(fields))


def submission_for(*, data: QueryDict, key: Open311Key, idempotency_key: str = "") -> Submission:
    """The case to store, or Open311Error listing every problem with what was sent."""

    def value(name: str) -> str:
        return clean(str(data.get(name, "")))

    code = value("service_code")
    if not code:
        raise Open311Error(400, "service_code is required (see services.xml).")
    category = service_public(code=code) if SERVICE_CODE.fullmatch(code) else None
    if category is None:
        raise Open311Error(404, f"service_code {code[:60]!r} was not found (see services.xml).")

    problems: list[str] = []
    description = value("description")
    if len(description) > MAX_TEXT:
        problems.append(f"description is longer than {MAX_TEXT:,} characters.")

    lat, lon, dong, location_problems = _location(value("lat"), value("long"), value("address_id"))
    problems += location_problems
    address = value("address_string")
    if len(address) > MAX_FIELD:
        problems.append(f"address_string is longer than {MAX_FIELD} characters.")
    if not (value("lat") or value("long") or address or value("address_id")):
        problems.append("A location is required: lat and long, address_string or address_id.")

    given = _attributes(data)
    lines, attribute_problems = _attribute_lines(category, given)
    problems += attribute_problems
    media_url = value("media_url")
    if media_url:
        if _is_web_url(media_url):
            lines.append(f"첨부 링크: {media_url}")
        else:
            problems.append("media_url must be an http or https URL.")

    email = value("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append("email is not a valid e-mail address.")
    phone = value("phone")
    if phone and not _phone(phone):
        problems.append("phone must be a phone number such as 010-1234-5678 or +82 10-1234-5678.")
    first_name, last_name = value("first_name"), value("last_name")
    for name, text in (("first_name", first_name), ("last_name", last_name)):
        if len(text) > MAX_NAME:
            problems.append(f"{name} is longer than {MAX_NAME} characters.")
    device_id, account_id = value("device_id"), value("account_id")
    for name, text in (("device_id", device_id), ("account_id", account_id)):
        if len(text) > MAX_FIELD:
            problems.append(f"{name} is longer than {MAX_FIELD} characters.")
    if idempotency_key and not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        problems.append("The Idempotency-Key header must be 1-100 letters, digits or ._:~+=- characters.")

    text = description or category.name_ko
    if lines:
        text = f"{text}\n\n" + "\n".join(lines)
    if len(text) > MAX_TEXT and len(description) <= MAX_TEXT:
        problems.append(f"description and attributes together are longer than {MAX_TEXT:,} characters.")
    if problems:
        raise Open311Error(400, *problems)

    body_digest = ""
    if idempotency_key:
        external_id = f"{key.name}:{idempotency_key}"
        body_digest = request_digest(data)
    else:
        # A client that retries without an Idempotency-Key sends the same request again: the same
        # sender, place and words on the same day are one case. The day lets the same words sent
        # again next week become a new case.
        same = [key.name, device_id, account_id, email, phone, category.code, description]
        same += [str(lat), str(lon), address, value("address_id"), json.dumps(given, sort_keys=True)]
        same.append(timezone.now().astimezone(SEOUL).date().isoformat())
        external_id = "auto:" + digest("\x1f".join(same))
    return Submission(
        channel=Channel.OPEN311,
        external_id=external_id,
        request_digest=body_digest,
        text=text,
        category=category,
        dong=dong,
        address_text=address,
        lat=lat,
        lon=lon,
        location_source=LocationSource.ADDRESS if lat is None and address else "",
        contact_name=_full_name(first_name, last_name),
        contact_phone=_phone(phone) if phone else "",
        contact_email=email,
        # Whoever gives the app an e-mail address or phone number with a report asks to hear back.
        consent_contact=bool(email or phone),
        channel_user=f"{key.name}:{account_id}"[:MAX_FIELD] if account_id else key.name,
    )


def _location(
    lat_text: str, long_text: str, address_id: str
) -> tuple[Decimal | None, Decimal | None, Dong | None, list[str]]:
    problems = []
    lat = lon = None
    if lat_text or long_text:
        if not (lat_text and long_text):
            problems.append("lat and long must be sent together.")
        else:
            lat, lon = _coordinate(lat_text), _coordinate(long_text)
            if lat is None or lon is None:
                problems.append("lat and long must be WGS84 decimal degrees, e.g. lat=37.5264&long=126.8962.")
                lat = lon = None
            elif not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
                problems.append(IN_KOREA)
                lat = lon = None
    dong = None
    if address_id:
        dong = Dong.objects.filter(code=address_id).first() if SERVICE_CODE.fullmatch(address_id) else None
        if dong is None:
            problems.append(
                "address_id must be the code of an administrative dong (행정동), e.g. yeongdeungpo; "
                "otherwise send lat and long or address_string."
            )
    return lat, lon, dong, problems


def _coordinate(text: str) -> Decimal | None:
    if not COORDINATE.fullmatch(text):
        return None
    try:
        return Decimal(text).quantize(MICRODEGREE)
    except InvalidOperation:
        return None


def _attributes(data: QueryDict) -> dict[str, list[str]]:
    """attribute[code]=value, and attribute[code][]=value repeated for a multivaluelist."""
    given: dict[str, list[str]] = {}
    for name, values in data.lists():
        match = ATTRIBUTE.fullmatch(name)
        if match:
            cleaned = [clean(str(v)) for v in values]
            given.setdefault(clean(match.group(1)), []).extend(v for v in cleaned if v)
    return given


def _attribute_lines(category: ServiceCategory, given: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Lines for the case text ("차량 번호: 12가 3456") and problems. Attributes the service does not
    define are left out: clients such as FixMyStreet send extra ones of their own."""
    lines, problems = [], []
    for attribute in attributes_of(category):
        code = attribute["code"]
        values = given.get(code, [])
        if not values:
            if attribute.get("required") is True:
                problems.append(f"attribute[{code}] is required.")
            continue
        if any(len(v) > MAX_ATTRIBUTE_VALUE for v in values):
            problems.append(f"attribute[{code}] is longer than {MAX_ATTRIBUTE_VALUE} characters.")
            continue
        shown, problem = _attribute_shown(attribute, values)
        if problem:
            problems.append(f"attribute[{code}] {problem}")
            continue
        label = attribute.get("description_ko") or attribute.get("description") or code
        lines.append(f"{label}: {shown}")
    return lines, problems


def _attribute_shown(attribute: dict[str, Any], values: list[str]) -> tuple[str, str]:
    """(the value as officers read it, a problem or "")."""
    datatype = datatype_of(attribute)
    if datatype in {"singlevaluelist", "multivaluelist"}:
        names = {
            v["key"]: _korean_name(attribute, v["key"]) or v["name"] for v in attribute_values(attribute)
        }
        if datatype == "singlevaluelist" and len(values) > 1:
            return "", "takes one value."
        unknown = [v for v in values if v not in names]
        if unknown:
            return "", f"must be one of: {', '.join(names)}."
        return ", ".join(names[v] for v in values), ""
    if len(values) > 1:
        return "", "takes one value."
    (text,) = values
    if datatype == "number":
        try:
            if not Decimal(text).is_finite():
                raise InvalidOperation
        except InvalidOperation:
            return "", "must be a number."
    elif datatype == "datetime":
        try:
            w3c_datetime(text, "value")
        except Open311Error:
            return "", "must be a W3C datetime such as 2026-01-31T09:00:00+09:00."
    elif datatype == "string":
        text = " ".join(text.split())
    return text, ""


def _korean_name(attribute: dict[str, Any], key: str) -> str | None:
    for value in attribute.get("values") or []:
        if isinstance(value, dict) and str(value.get("key")) == key:
            name = value.get("name_ko") or value.get("name")
            return str(name) if name else None
    return None


def _is_web_url(text: str) -> bool:
    if len(text) > MAX_MEDIA_URL:
        return False
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return False
    return True


def _phone(text: str) -> str:
    """The number as digits (+82 10… becomes 010…), or "" when it is not a phone number."""
    digits = re.sub(r"[^0-9]", "", text)
    if text.lstrip().startswith("+82"):
        digits = "0" + digits[2:].removeprefix("0")
    return digits if PHONE.fullmatch(digits) else ""


def _full_name(first: str, last: str) -> str:
    """Korean names read family name first, without a space (김 + 민지 → 김민지)."""
    if first and last and HANGUL.fullmatch(first) and HANGUL.fullmatch(last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)
