"""Moderation of chat lines before they are shown: links and Korean profanity (decision 0074).

Profanity is korcen's keyword patterns plus our own list (``words.txt``), checked on the text as written
and on a skeleton of it that undoes the usual evasions: spaces and punctuation between the letters
(씨 발, 씨.발), digits and Latin look-alikes slipped in (시1발), and jamo typed apart (ㅆㅣㅂㅏㄹ). korcen
alone missed 씨발 and flagged 병신년 (the year) and 시발점 (a starting point): ``allowed.txt`` lists
such words, removed before checking.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent

LINK = re.compile(
    r"(?i)(https?://|www\.|\b[a-z0-9-]+\s?(?:\.|\[\.\]|닷)\s?(?:com|net|org|kr|co|io|me|ly|gl|info|xyz|shop|tv|link|site|to|gg)\b)"
)

_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONGSEONG = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
# Letters and digits that stand in for Hangul or for each other when people dodge a filter.
_LOOKALIKE = str.maketrans({"1": "ㅣ", "l": "ㅣ", "|": "ㅣ", "!": "ㅣ", "i": "ㅣ"})


def has_link(text: str) -> bool:
    return bool(LINK.search(text))


@cache
def _lines(name: str) -> tuple[str, ...]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    words = (skeleton(line) for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return tuple(word for word in words if word)


def compose_jamo(text: str) -> str:
    """Join compatibility jamo typed one by one into syllables: ㅆㅣㅂㅏㄹ → 씨발."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in _CHOSEONG and nxt and nxt in _JUNGSEONG:
            lead, vowel = _CHOSEONG.index(ch), _JUNGSEONG.index(nxt)
            tail = 0
            after = text[i + 2] if i + 2 < len(text) else ""
            after_next = text[i + 3] if i + 3 < len(text) else ""
            if after and after in _JONGSEONG[1:] and not (after_next and after_next in _JUNGSEONG):
                tail = _JONGSEONG.index(after)
                i += 1
            out.append(chr(0xAC00 + (lead * 21 + vowel) * 28 + tail))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def skeleton(text: str) -> str:
    """The text reduced to what a filter should compare: Hangul and Latin letters only, jamo joined."""
    # NFKC folds full-width and styled letters, but would turn typed jamo (ㅆ) into conjoining ones.
    text = "".join(ch if "\u3131" <= ch <= "\u318e" else unicodedata.normalize("NFKC", ch) for ch in text)
    text = text.lower()
    # A digit or Latin look-alike slipped between two syllables is noise (시1발); after a lone consonant
    # it stands in for the vowel ㅣ (ㅆ1ㅂㅏㄹ).
    text = re.sub(r"(?<=[가-힣])\s*[1l|!i]\s*(?=[가-힣])", "", text)
    text = re.sub(r"(?<=[ㄱ-ㅎ])\s*[1l|!i]", lambda m: m.group(0).strip().translate(_LOOKALIKE), text)
    text = re.sub(r"(?<=[a-z])[1!|](?=[a-z])", "i", text)  # sh!t
    text = re.sub(r"[^0-9a-z가-힣ㄱ-ㅣ]", "", text)
    return compose_jamo(text)


def _without_allowed(text: str) -> str:
    for word in _lines("allowed.txt"):
        text = text.replace(word, "")
    return text


def is_profane(text: str) -> bool:
    from korcen import korcen

    shape = _without_allowed(skeleton(text))
    if any(word in shape for word in _lines("words.txt")):
        return True
    if not shape:
        return False
    # korcen on the skeleton (spacing and jamo undone) and on the text as written, the allowed words out.
    written = text
    for word in ("병신년", "시발점", "시발역"):
        written = written.replace(word, "")
    return bool(korcen.check(shape) or korcen.check(written))
