"""Where alerts come from: a file or URL holding one CAP document, an Atom/RSS feed of CAP links, or a
기상청/재난문자 API response. URLs are fetched with httpx: http(s) only, a size cap, a timeout, and a
feed's links only on the feed's own host (a feed cannot make us fetch arbitrary addresses).

A source is read into items: a parsed CAP message, an outside alert in CAP's terms, or a refusal with its
reason. What to keep of them is the alert import service's business (`services.alert_import`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
from lxml import etree

from sotong.safety.cap.adapters import CONVERTERS, kind_of, read_items
from sotong.safety.cap.external import ExternalAlert
from sotong.safety.cap.parse import CapMessage, parse_cap
from sotong.safety.cap.validate import CAP11, CAP12, MAX_BYTES, CapError, read_xml

ATOM = "http://www.w3.org/2005/Atom"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_FEED_LINKS = 200
FORMATS = ("auto", "cap", "feed", "kma", "disaster-msg")


@dataclass(frozen=True)
class CapDocument:
    where: str
    message: CapMessage


@dataclass(frozen=True)
class ExternalItem:
    where: str
    alert: ExternalAlert


@dataclass(frozen=True)
class Refused:
    where: str
    reason: str


SourceItem = CapDocument | ExternalItem | Refused


def redact(source: str) -> str:
    """A URL without its query: API URLs carry their service key there, and it must not reach logs or rows."""
    if not is_url(source):
        return source
    parts = urlparse(source)
    return parts._replace(query="…" if parts.query else "", fragment="").geturl()


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def fetch(url: str) -> bytes:
    """GET an http(s) URL, at most MAX_BYTES, within the timeout; raises CapError with the reason."""
    if urlparse(url).scheme not in ("http", "https"):
        raise CapError(f"{redact(url)}: only http and https URLs")
    try:
        with (
            httpx.Client(timeout=TIMEOUT, follow_redirects=True, max_redirects=3) as client,
            client.stream(
                "GET", url, headers={"Accept": "application/cap+xml, application/atom+xml, */*"}
            ) as response,
        ):
            if response.status_code != 200:
                raise CapError(f"{redact(url)}: HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise CapError(f"{redact(url)}: larger than {MAX_BYTES} bytes")
            return bytes(body)
    except httpx.HTTPError as exc:
        raise CapError(f"{redact(url)}: {exc.__class__.__name__}") from exc


def read_source(source: str) -> bytes:
    if is_url(source):
        return fetch(source)
    path = Path(source)
    if not path.is_file():
        raise CapError(f"{source}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise CapError(f"{source}: larger than {MAX_BYTES} bytes")
    return path.read_bytes()


def feed_links(root: etree._Element, *, base: str) -> list[str]:
    """CAP links of an Atom or RSS feed: the Atom link typed application/cap+xml (else the alternate
    link), or the RSS item's link or enclosure."""
    links: list[str] = []
    if root.tag == f"{{{ATOM}}}feed":
        for entry in root.iterfind(f"{{{ATOM}}}entry"):
            candidates = entry.findall(f"{{{ATOM}}}link")
            chosen = [c for c in candidates if c.get("type") == "application/cap+xml"] or [
                c for c in candidates if c.get("rel", "alternate") == "alternate"
            ]
            if chosen and chosen[0].get("href"):
                links.append(urljoin(base, chosen[0].get("href", "")))
    elif etree.QName(root).localname == "rss":
        for item in root.iter("item"):
            enclosure = item.find("enclosure")
            href = enclosure.get("url") if enclosure is not None else (item.findtext("link") or "").strip()
            if href:
                links.append(urljoin(base, href))
    return links[:MAX_FEED_LINKS]


def _same_host(url: str, base: str) -> bool:
    if not is_url(base):
        return True  # a local feed file is the operator's own
    return urlparse(url).netloc == urlparse(base).netloc and urlparse(url).scheme in ("http", "https")


def _kind(data: bytes) -> str:
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return "korean"
    root = read_xml(data)
    namespace = etree.QName(root).namespace
    if namespace in (CAP12, CAP11) or etree.QName(root).localname == "alert":
        return "cap"
    if root.tag == f"{{{ATOM}}}feed" or etree.QName(root).localname == "rss":
        return "feed"
    return "korean"


def items_from_source(source: str, *, fmt: str = "auto") -> Iterator[SourceItem]:
    """What one document, feed or API response (a path or an http(s) URL) holds, item by item."""
    try:
        data = read_source(source)
    except CapError as exc:
        yield Refused(redact(source), exc.reason)
        return
    yield from items_from_data(data, where=redact(source), fmt=fmt, feed_base=source)


def items_from_data(
    data: bytes, *, where: str, fmt: str = "auto", feed_base: str | None = None
) -> Iterator[SourceItem]:
    """What bytes already read hold (a file, an upload, a fetched response). A feed's links are fetched
    only when the feed itself came from a URL (`feed_base`), and only on that URL's host, one at a time
    as the items are taken."""
    if len(data) > MAX_BYTES:
        yield Refused(where, f"larger than {MAX_BYTES} bytes")
        return
    try:
        kind = _kind(data) if fmt == "auto" else {"kma": "korean", "disaster-msg": "korean"}.get(fmt, fmt)
    except CapError as exc:
        yield Refused(where, exc.reason)
        return
    if kind == "cap":
        yield _cap_document(data, where)
    elif kind == "feed":
        yield from _feed_items(data, where=where, feed_base=feed_base)
    else:
        yield from _korean_items(data, where=where)


def _cap_document(data: bytes, where: str) -> CapDocument | Refused:
    try:
        return CapDocument(where, parse_cap(data))
    except CapError as exc:
        return Refused(where, exc.reason)


def _feed_items(data: bytes, *, where: str, feed_base: str | None) -> Iterator[SourceItem]:
    if feed_base is None or not is_url(feed_base):
        yield Refused(where, "a feed's links are fetched only for a feed imported by its URL")
        return
    try:
        root = read_xml(data)
    except CapError as exc:
        yield Refused(where, exc.reason)
        return
    for link in feed_links(root, base=feed_base):
        if not _same_host(link, feed_base):
            yield Refused(redact(link), "not on the feed's host")
            continue
        try:
            document = read_source(link)
        except CapError as exc:
            yield Refused(redact(link), exc.reason)
            continue
        yield _cap_document(document, redact(link))


def _korean_items(data: bytes, *, where: str) -> Iterator[SourceItem]:
    try:
        items = read_items(data)
    except CapError as exc:
        yield Refused(where, exc.reason)
        return
    converter = CONVERTERS.get(kind_of(items))
    if converter is None:
        if items:
            yield Refused(where, "rows of an unknown API (expected 기상특보 or 재난문자 fields)")
        return
    for number, row in enumerate(items, start=1):
        try:
            alert = converter(row)
        except CapError as exc:
            yield Refused(f"{where} #{number}", exc.reason)
            continue
        yield ExternalItem(where, alert)
