"""Reading CAP safely: real documents are taken, broken and hostile ones refused with a reason."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from sotong.safety.cap.parse import parse_cap
from sotong.safety.cap.validate import CapError, read_xml, safe_parser

FIXTURES = Path(__file__).parent / "fixtures" / "cap"
REAL = [
    "caplib-australia.cap",
    "caplib-canada.cap",
    "caplib-earthquake.cap",
    "caplib-no_optional_fields.cap",
    "caplib-wcatwc-warning.cap",
    "oasiscap-google-PAAQ-4-mg5a94.xml",
    "oasiscap-ipaws-5e6dd964023f1930ef638846.xml",
    "oasiscap-nws-5c2cf27b1f56885d61654dc47fa411d5.xml",
    "oasiscap-v1dot2_appendix_adot1.xml",
    "oasiscap-v1dot2_appendix_adot2.xml",
    "oasiscap-v1dot2_appendix_adot3.xml",
    "oasiscap-v1dot2_appendix_adot4.xml",
    "sotong-kr-heavy-rain.cap",
]
INVALID = {
    "caplib-invalid.cap": "스키마",  # <scope> is missing
    "caplib-canada_errors.cap": "references",  # an empty <references/>
    "caplib-noaa_errors.cap": "스키마",  # empty urgency, severity and certainty
    "caplib-xee.cap": "DTD",
}


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("name", REAL)
def test_it_accepts_every_real_document(name: str) -> None:
    message = parse_cap(read(name))

    assert message.identifier and message.sender
    assert message.sent.tzinfo is not None


@pytest.mark.parametrize(("name", "reason"), INVALID.items())
def test_it_refuses_the_invalid_documents_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(CapError) as refused:
        parse_cap(read(name))

    assert reason in refused.value.reason


def test_cap_1_1_documents_are_read_as_cap_1_2() -> None:
    message = parse_cap(read("caplib-earthquake.cap"))

    assert message.infos[0].event == "Earthquake"
    assert message.infos[0].event_codes == [("SAME", "EQW")]


def test_a_circle_is_latitude_longitude_and_a_radius_in_kilometres() -> None:
    message = parse_cap(read("sotong-kr-heavy-rain.cap"))
    korean = next(i for i in message.infos if i.language == "ko-KR")

    assert korean.areas[0].circles == [(37.524, 126.899, 0.5)]
    assert korean.areas[0].polygons[0][0] == (37.52, 126.893)


def test_references_are_split_into_sender_identifier_and_sent() -> None:
    message = parse_cap(read("oasiscap-v1dot2_appendix_adot3.xml"))

    assert message.msg_type == "Update"
    assert message.references == [("trinet@caltech.edu", "TRI13970876.1", "2003-06-11T20:30:00-07:00")]


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY send 'x'>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bait(tmp_path: Path) -> Iterator[tuple[bytes, Path]]:
    """The XXE document pointed at a recording HTTP server on loopback and at a FIFO: opening the FIFO
    for reading would block, so a parser that touches the file system hangs instead of passing."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)
    port = server.server_address[1]
    document = (
        read("caplib-xee.cap")
        .replace(b"http://localhost:8080", f"http://127.0.0.1:{port}".encode())
        .replace(b"http://http://localhost:8080", f"http://127.0.0.1:{port}".encode())
        .replace(b"file:///etc/passwd", fifo.as_uri().encode())
    )
    _Recorder.hits = []
    yield document, fifo
    server.shutdown()
    # Release a parser blocked on the FIFO, if any.
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
    except OSError:
        pass


def _in_thread(work: object) -> bool:
    """Run `work`; True when it finished within 5 s (a read of the FIFO would block it)."""
    done = threading.Event()

    def run() -> None:
        with contextlib.suppress(Exception):  # a refusal is an expected outcome
            work()  # type: ignore[operator]
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(5)


def test_the_xxe_document_is_refused_without_touching_the_network_or_the_file_system(
    bait: tuple[bytes, Path],
) -> None:
    document, _fifo = bait

    with pytest.raises(CapError) as refused:
        parse_cap(document)

    assert "DTD" in refused.value.reason
    assert _Recorder.hits == []


def test_even_the_underlying_parser_resolves_nothing_when_handed_the_xxe_document(
    bait: tuple[bytes, Path],
) -> None:
    document, _fifo = bait
    parsed: list[etree._Element] = []

    finished = _in_thread(lambda: parsed.append(etree.fromstring(document, safe_parser())))

    assert finished, "the parser opened the file named by an external entity"
    assert _Recorder.hits == []
    text = etree.tostring(parsed[0], encoding="unicode")
    assert "root:" not in text and "&xxe;" in text  # the entity stayed a reference


def test_xinclude_is_refused() -> None:
    document = read("oasiscap-v1dot2_appendix_adot1.xml").replace(
        b"<status>",
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/><status>',
    )

    with pytest.raises(CapError) as refused:
        read_xml(document)

    assert "XInclude" in refused.value.reason


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_either_cap_or_refused_with_a_reason(data: bytes) -> None:
    try:
        parse_cap(data)
    except CapError as error:
        reason = error.reason
    else:
        reason = "accepted"
    assert reason


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_any_text_in_a_field_keeps_the_document_readable_or_refused(text: str) -> None:
    from xml.sax.saxutils import escape

    document = read("oasiscap-v1dot2_appendix_adot1.xml").replace(
        b"<headline>", b"<headline>" + escape(text).encode("utf-8", "surrogatepass"), 1
    )
    with contextlib.suppress(CapError, UnicodeEncodeError):
        parse_cap(document)
