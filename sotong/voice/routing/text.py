"""Korean-aware text handling for routing: Kiwi morphemes for Korean, words for English, characters
for Chinese."""

from __future__ import annotations

import functools
import re
import threading

from kiwipiepy import Kiwi

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Content-bearing parts of speech: nouns, verbs and adjectives (stems), roots, foreign words, numbers.
KEEP_TAGS = ("NNG", "NNP", "XR", "SL", "SH", "SN", "MAG")
KEEP_PREFIXES = ("VV", "VA")

_lock = threading.Lock()


@functools.cache
def kiwi() -> Kiwi:
    return Kiwi()


def language_of(text: str) -> str:
    if HANGUL.search(text):
        return "ko"
    if HAN.search(text):
        return "zh"
    return "en"


def tokens(text: str) -> list[str]:
    """Morphemes worth routing on, lowercased; Kiwi handles Korean, English words pass as SL."""
    with _lock:  # Kiwi's analyser is not safe for concurrent calls from threads
        analysed = kiwi().tokenize(text)
    out = []
    for token in analysed:
        tag = token.tag
        if tag in KEEP_TAGS or tag.startswith(KEEP_PREFIXES):
            out.append(token.form.lower())
    return out
