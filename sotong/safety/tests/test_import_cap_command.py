"""`sotong import_cap PATH_OR_URL`: a file, a URL, an Atom feed of CAP links served on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sotong.safety.cap import validate
from sotong.safety.models import Alert
from sotong.safety.tasks import poll_cap_feeds

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures" / "cap"


class _Feed(BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}
    hits: list[str] = []

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        _Feed.hits.append(path)
        body = _Feed.pages.get(path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def peer() -> Iterator[str]:
    """A CAP publisher on loopback: an Atom feed linking two CAP documents, one broken, one elsewhere."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _Feed.hits = []
    _Feed.pages = {
        "/rain.cap": (FIXTURES / "sotong-kr-heavy-rain.cap").read_bytes(),
        "/bad.cap": (FIXTURES / "caplib-invalid.cap").read_bytes(),
        "/disaster-msg": json.dumps(
            {
                "header": {"resultCode": "00", "resultMsg": "NORMAL SERVICE"},
                "body": [
                    {
                        "SN": "9001",
                        "CRT_DT": "2099/07/15 09:00:00",
                        "MSG_CN": "[영등포구] 안양천 수위 상승, 둔치 주차장 차량을 옮기세요.",
                        "RCPTN_RGN_NM": "서울특별시 영등포구",
                        "EMRG_STEP_NM": "안전안내",
                        "DST_SE_NM": "호우",
                    },
                    {
                        "SN": "9002",
                        "CRT_DT": "2099/07/15 09:00:00",
                        "MSG_CN": "x",
                        "RCPTN_RGN_NM": "부산광역시",
                    },
                    {"SN": "9003", "MSG_CN": "no time"},
                ],
            },
            ensure_ascii=False,
        ).encode(),
        "/big.cap": b"<alert>" + b" " * (validate.MAX_BYTES + 10) + b"</alert>",
        "/feed.atom": f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:test</id><title>test</title><updated>2026-07-15T10:00:00+09:00</updated>
<entry><id>1</id><title>rain</title><updated>2026-07-15T10:00:00+09:00</updated><link rel="alternate" type="application/cap+xml" href="/rain.cap"/></entry>
<entry><id>2</id><title>bad</title><updated>2026-07-15T10:00:00+09:00</updated><link href="{base}/bad.cap"/></entry>
<entry><id>3</id><title>elsewhere</title><updated>2026-07-15T10:00:00+09:00</updated><link href="http://198.51.100.7/x.cap"/></entry>
</feed>""".encode(),
    }
    yield base
    server.shutdown()


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_cap", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_and_a_second_time_changes_nothing(district: Any) -> None:
    path = str(FIXTURES / "sotong-kr-heavy-rain.cap")

    assert run(path)[0].startswith("1 imported, 0 already known")
    assert run(path)[0].startswith("0 imported, 1 already known")
    assert Alert.objects.count() == 1


def test_a_refused_file_says_why_and_fails(district: Any) -> None:
    with pytest.raises(CommandError):
        run(str(FIXTURES / "caplib-xee.cap"))
    assert not Alert.objects.exists()


def test_it_follows_a_feed_on_its_own_host_only(district: Any, peer: str) -> None:
    out, err = run(f"{peer}/feed.atom")

    assert out.startswith("1 imported, 0 already known, 0 for other regions, 2 refused")
    assert "bad.cap" in err and "스키마" in err
    assert "198.51.100.7" in err and "not on the feed's host" in err
    assert sorted(_Feed.hits) == ["/bad.cap", "/feed.atom", "/rain.cap"]


def test_a_document_larger_than_the_cap_is_not_read_to_the_end(district: Any, peer: str) -> None:
    with pytest.raises(CommandError):
        run(f"{peer}/big.cap")


def test_only_http_and_https_urls_are_fetched(district: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run("file:///etc/passwd")


def test_the_scheduler_task_polls_the_configured_feeds(district: Any, peer: str, settings: Any) -> None:
    settings.SAFETY_CAP_FEEDS = [f"{peer}/feed.atom", f"{peer}/missing.atom"]

    totals = poll_cap_feeds.call()

    assert totals == {"created": 1, "unchanged": 0, "refused": 3, "skipped": 0}


def test_an_api_url_of_disaster_messages_is_imported_without_keeping_its_key(
    district: Any, peer: str
) -> None:
    out, err = run(f"{peer}/disaster-msg?serviceKey=SECRET-KEY&pageNo=1")

    assert out.startswith("1 imported, 0 already known, 1 for other regions, 1 refused")
    alert = Alert.objects.get()
    assert alert.headline_ko.startswith("[안전안내 호우]")
    assert "SECRET" not in alert.origin and "SECRET" not in err
    assert "#3" in err


def test_the_scheduler_polls_feeds_and_expires_alerts() -> None:
    from sotong.core.scheduling import periodic_jobs

    jobs = {job.name: job for job in periodic_jobs()}

    assert jobs["safety.poll_cap_feeds"].task is poll_cap_feeds
    assert jobs["safety.expire_alerts"].trigger_args == {"minutes": 1}
