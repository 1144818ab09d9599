"""Text out of e-mail bodies: bytes in whatever charset Korean clients use, HTML made plain, and the
quoted history of earlier messages cut off."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

import nh3

# Korean mail still arrives labelled EUC-KR or ks_c_5601-1987 (Outlook) while using CP949, its superset
# (똠, 햏… are not in EUC-KR): decode all of them as CP949.
_CHARSETS = {
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "euckr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "korean": "cp949",
    "windows-949": "cp949",
    "x-windows-949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "iso-2022-kr": "iso2022_kr",
    "csiso2022kr": "iso2022_kr",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Where quoted history starts.
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(original message|원본 메시지|원본 메일|원래 메시지)\s*-{2,}\s*$", re.IGNORECASE
)
_WROTE = re.compile(
    r"^\s*(on\b.{0,300}\bwrote|.{0,300}님이 작성(했습니다)?|.{0,300}작성한 메시지)\s*:\s*$", re.I
)
_ON = re.compile(r"^\s*on\s", re.IGNORECASE)
_WROTE_END = re.compile(r"\bwrote:\s*$", re.IGNORECASE)
_HEADER_FROM = re.compile(r"^\s*\*?(from|보낸 사람|보낸사람)\s*:", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|subject|보낸 날짜|보낸날짜|날짜|받는 사람|받는사람|제목)\s*:", re.IGNORECASE
)
_RULE = re.compile(r"^\s*[-_=]{5,}\s*$")
_HTML_BREAK = re.compile(
    r"<br\s*/?>|<hr\b[^>]*>|</(p|div|li|tr|h[1-6]|blockquote|table|pre|ul|ol)\s*>", re.IGNORECASE
)


def normal(text: str) -> str:
    return unicodedata.normalize("NFC", _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text from bytes in the declared charset (Korean aliases read as CP949), else UTF-8, else CP949."""
    declared = (charset or "").strip().strip('"').lower()
    candidates = [_CHARSETS.get(declared, declared)] if declared else []
    candidates += ["utf-8", "cp949"]
    for candidate in candidates:
        try:
            codecs.lookup(candidate)
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def html_to_text(markup: str) -> str:
    """Plain text from HTML: every tag removed (script, style and head with their content)."""
    markup = _HTML_BREAK.sub("\n", markup)
    text = nh3.clean(markup, tags=set(), clean_content_tags={"script", "style", "head", "title"})
    text = html.unescape(text).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(lines)


def strip_quoted(text: str) -> str:
    """What the sender wrote, without the earlier messages quoted below (or between) it."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _ORIGINAL.match(line) or _header_block(lines, i):
            break
        marker = 0
        if _WROTE.match(line):
            marker = 1
        elif _ON.match(line) and i + 1 < len(lines) and _WROTE_END.search(lines[i + 1]):
            marker = 2
        if marker:
            following = next((rest for rest in lines[i + marker :] if rest.strip()), "")
            if following and not following.lstrip().startswith(">"):
                break  # history quoted without '>' (Outlook, HTML mail): everything below is history
            i += marker
            continue
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
        i += 1
    while kept and (not kept[-1].strip() or _RULE.match(kept[-1])):
        kept.pop()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _header_block(lines: list[str], i: int) -> bool:
    """Outlook's 'From: … / Sent: …' (보낸 사람: … / 보낸 날짜: …) block that starts a quoted message."""
    if not _HEADER_FROM.match(lines[i]):
        return False
    return any(_HEADER_NEXT.match(line) for line in lines[i + 1 : i + 4])
