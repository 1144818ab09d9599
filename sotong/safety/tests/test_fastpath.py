from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.test import Client

from sotong.safety import fastpath
from sotong.safety.tests.nearby import HERE, facility, query, warm
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

COMPARED = (
    "content-type",
    "content-language",
    "vary",
    "cache-control",
    "access-control-allow-origin",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "x-frame-options",
    "etag",
    "last-modified",
    "content-encoding",
)


def call_asgi(
    path: str, query_string: str = "", headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """Call config.asgi.application as uvicorn would and collect the answer."""
    from config.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    assert fastpath.handles(scope), "the fast path should take this request"
    asyncio.run(application(scope, receive, send))
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def same_answer(
    client: Client, path: str, query_string: str = "", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    warm()
    django = client.get(
        f"{path}?{query_string}",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()},
    )
    status, fast_headers, body = call_asgi(path, query_string, headers)
    assert status == django.status_code
    assert body == django.content
    for name in COMPARED:
        assert fast_headers.get(name) == django.headers.get(name), name
    return status, body


@pytest.fixture
def shelters(district: Any) -> None:
    facility(
        name="당산 무더위쉼터",
        name_en="Dangsan cooling centre",
        kind="heat_shelter",
        north_m=200,
        capacity=40,
    )
    facility(
        name="밤에 닫는 쉼터",
        kind="heat_shelter",
        north_m=400,
        always_open=False,
        opening_hours=[
            {"days": d, "open": "00:00", "close": "00:01"}
            for d in ("weekday", "saturday", "sunday", "holiday")
        ],
    )
    facility(name="지하 대피소", kind="civil_defence", setting="underground", east_m=300, capacity=1200)
    facility(name="학교 체육관", kind="temporary_housing", east_m=-800)
    facility(name="한강공원", kind="earthquake_outdoor", setting="outdoor", north_m=-900)


@pytest.mark.parametrize(
    ("query_string", "headers"),
    [
        (query(hazard="heat"), {}),
        (query(hazard="heat", open="any", limit=20), {}),
        (query(hazard="heat", lang="en"), {}),
        (query(hazard="flood"), {"Accept-Language": "zh-CN,zh;q=0.9"}),
        (query(hazard="earthquake", lat=37.52, lon=126.91), {"Accept-Language": "en"}),
        (query(hazard="air_raid"), {}),
        (query(hazard="tsunami"), {}),
        (query(hazard="volcano"), {}),
        (query(hazard="heat", limit=50), {"Accept-Language": "en"}),
        ("hazard=heat&lat=37.5", {}),
        ("", {}),
    ],
)
def test_the_fast_path_answers_exactly_as_the_django_view(
    shelters: None, client: Client, query_string: str, headers: dict[str, str]
) -> None:
    same_answer(client, "/api/safety/shelters/nearest", query_string, headers)


def test_facilities_json_is_the_same_from_both_including_not_modified(shelters: None, client: Client) -> None:
    status, body = same_answer(client, "/api/safety/facilities.json")
    assert status == 200 and body.startswith(b'{"format":1')
    etag = client.get("/api/safety/facilities.json")["ETag"]
    status, body = same_answer(client, "/api/safety/facilities.json", headers={"If-None-Match": etag})
    assert (status, body) == (304, b"")
    status, body = same_answer(client, "/api/safety/facilities.json", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and body.startswith(b"\x1f\x8b")


def test_the_fast_path_leaves_other_requests_to_django(district: Any, settings: Any) -> None:
    def scope(**overrides: Any) -> dict[str, Any]:
        base = {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "path": "/api/safety/shelters/nearest",
            "headers": [(b"host", b"testserver")],
        }
        return {**base, **overrides}

    assert fastpath.handles(scope())
    assert not fastpath.handles(scope(method="POST"))
    assert not fastpath.handles(scope(method="HEAD"))
    assert not fastpath.handles(scope(path="/api/safety/layers.json"))
    assert not fastpath.handles(scope(type="websocket"))
    # A host Django would refuse gets Django's 400.
    assert not fastpath.handles(scope(headers=[(b"host", b"evil.example")]))
    assert not fastpath.handles(scope(headers=[]))
    # Plain HTTP behind an HTTPS-only deployment is redirected by Django.
    settings.SECURE_SSL_REDIRECT = True
    assert not fastpath.handles(scope())
    assert fastpath.handles(scope(scheme="https"))
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert fastpath.handles(scope(headers=[(b"host", b"testserver"), (b"x-forwarded-proto", b"https")]))


def test_over_https_the_fast_path_sends_hsts_as_django_does(shelters: None, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = False
    headers = dict(fastpath.security_headers(secure=True))
    assert headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
    assert "Strict-Transport-Security" not in dict(fastpath.security_headers(secure=False))


def test_the_nearest_answer_is_the_selectors(shelters: None) -> None:
    import json

    from sotong.safety.selectors.facilities import nearest_shelters

    warm()
    status, _headers, body = call_asgi("/api/safety/shelters/nearest", query(hazard="heat", limit=3))
    assert status == 200
    ids = [item["id"] for item in json.loads(body)["items"]]
    assert ids == [n.record.id for n in nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="heat", limit=3)]
