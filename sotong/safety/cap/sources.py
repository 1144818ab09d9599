"""Where alerts come from: a file or URL holding one CAP document, an Atom/RSS feed of CAP links, or a
기상청/재난문자 API response. URLs are fetched with httpx: http(s) only, a size cap, a timeout, and a
feed's links only on the feed's own host (a feed cannot make us fetch arbitrary addresses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
from lxml import etree

from sotong.safety.cap.adapters import CONVERTERS, kind_of, read_items
from sotong.safety.cap.validate import CAP11, CAP12, MAX_BYTES, CapError, read_xml

ATOM = "http://www.w3.org/2005/Atom"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_FEED_LINKS = 200
FORMATS = ("auto", "cap", "feed", "kma", "disaster-msg")


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: int = 0  # items of a Korean feed for other regions
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)


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


def import_source(source: str, *, fmt: str = "auto") -> ImportReport:
    """Import one document, feed or API response; bad items are refused one by one with their reason."""
    report = ImportReport()
    try:
        data = read_source(source)
    except CapError as exc:
        report.refused.append((redact(source), exc.reason))
        return report
    return import_data(data, where=redact(source), fmt=fmt, feed_base=source, report=report)


def import_data(
    data: bytes,
    *,
    where: str,
    fmt: str = "auto",
    feed_base: str | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Import bytes already read (a file, an upload, a fetched response). A feed's links are fetched
    only when the feed itself came from a URL (`feed_base`), and only on that URL's host."""
    from sotong.safety.services_alerts import external_import

    report = report or ImportReport()
    if len(data) > MAX_BYTES:
        report.refused.append((where, f"larger than {MAX_BYTES} bytes"))
        return report
    try:
        kind = _kind(data) if fmt == "auto" else {"kma": "korean", "disaster-msg": "korean"}.get(fmt, fmt)
    except CapError as exc:
        report.refused.append((where, exc.reason))
        return report
    if kind == "cap":
        _import_cap(data, where, report)
    elif kind == "feed":
        if feed_base is None or not is_url(feed_base):
            report.refused.append((where, "a feed's links are fetched only for a feed imported by its URL"))
            return report
        try:
            root = read_xml(data)
        except CapError as exc:
            report.refused.append((where, exc.reason))
            return report
        for link in feed_links(root, base=feed_base):
            if not _same_host(link, feed_base):
                report.refused.append((redact(link), "not on the feed's host"))
                continue
            try:
                document = read_source(link)
            except CapError as exc:
                report.refused.append((redact(link), exc.reason))
                continue
            _import_cap(document, redact(link), report)
    else:
        try:
            items = read_items(data)
        except CapError as exc:
            report.refused.append((where, exc.reason))
            return report
        converter = CONVERTERS.get(kind_of(items))
        if items and converter is None:
            report.refused.append((where, "rows of an unknown API (expected 기상특보 or 재난문자 fields)"))
            return report
        for number, row in enumerate(items, start=1):
            try:
                result = external_import(item=converter(row), origin=where) if converter else None
            except CapError as exc:
                report.refused.append((f"{where} #{number}", exc.reason))
                continue
            if result is None:
                report.skipped += 1
            else:
                (report.created if result.created else report.unchanged).append(result.alert.pk)
    return report


def _import_cap(data: bytes, where: str, report: ImportReport) -> None:
    from sotong.safety.services_alerts import cap_import

    try:
        result = cap_import(data=data, origin=where)
    except CapError as exc:
        report.refused.append((where, exc.reason))
        return
    (report.created if result.created else report.unchanged).append(result.alert.pk)
