"""Files served through the ASGI app (static files by whitenoise, a case's photo) are sent a chunk at a time from
an async iterator: Django does not warn that it "must consume synchronous iterators", and does not read the
whole file into memory before sending it."""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.staticfiles import finders
from django.db import connections
from django.test import Client

from sotong.voice.models import Case
from sotong.voice.tests.test_web_form_photos import camera_jpeg
from sotong.voice.tests.test_web_intake_flow import form_data

SYNC_ITERATOR_WARNING = "StreamingHttpResponse must consume synchronous iterators"


async def fetch(application: Any, path: str, query: str = "") -> tuple[int, dict[bytes, bytes], bytes, int]:
    """Status, headers, body and the number of body messages of a GET through the ASGI app."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    body_sent = False
    never = asyncio.Event()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client stays until the answer is sent
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application(scope, receive, send)
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    return (
        int(sent[0]["status"]),
        dict(sent[0]["headers"]),
        b"".join(m.get("body", b"") for m in bodies),
        len(bodies),
    )


def fetch_without_the_warning(path: str, query: str = "") -> tuple[int, dict[bytes, bytes], bytes, int]:
    from config.asgi import application

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            answer = asyncio.run(fetch(application, path, query))
        finally:
            # The app's sync thread outlives the test: it must not keep a connection to the test database.
            asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())
    assert [str(w.message) for w in caught if SYNC_ITERATOR_WARNING in str(w.message)] == []
    return answer


@pytest.mark.django_db(transaction=True)
def test_a_static_file_is_streamed_from_an_async_iterator_without_the_warning() -> None:
    found = finders.find("vendor/leaflet/leaflet.js")
    assert found, "the vendored Leaflet is missing"
    expected = Path(str(found)).read_bytes()
    assert len(expected) > 64 * 1024  # more than one chunk

    status, headers, body, messages = fetch_without_the_warning("/static/vendor/leaflet/leaflet.js")
    assert status == 200
    assert body == expected
    assert headers[b"Content-Length"] == str(len(expected)).encode()
    assert messages > 2  # sent in chunks, then the closing message


@pytest.mark.django_db(transaction=True)
def test_a_case_photo_is_streamed_from_an_async_iterator_without_the_warning(district: Any) -> None:
    response = Client().post("/voice/", form_data(photos=[camera_jpeg()]))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    attachment = case.attachments.get()
    with attachment.file.open("rb") as handle:
        expected = handle.read()

    status, headers, body, _ = fetch_without_the_warning(
        f"/voice/track/{case.number}/photos/{attachment.pk}/", f"t={case.token}"
    )
    assert status == 200
    assert headers[b"Content-Type"] == b"image/jpeg"
    assert body == expected
