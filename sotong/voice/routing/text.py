"""Korean-aware text handling for routing: Kiwi morphemes for Korean, words for English, characters
for Chinese."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from sotong.core.korean import KIWI_LOCK, kiwi

HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Content-bearing parts of speech: nouns, verbs and adjectives (stems), roots, foreign words, numbers.
KEEP_TAGS = ("NNG", "NNP", "XR", "SL", "SH", "SN", "MAG")
KEEP_PREFIXES = ("VV", "VA")
# English words that say nothing about the department; the char n-grams still see them.
_EN_STOP_WORDS = """a an the is are was were be been am i me my we our you your he she it its they them their this
that there here of in on at to for from with by and or but not no so do does did have has had can could would
should will please hi hello thanks thank just also very"""
EN_STOP = frozenset(_EN_STOP_WORDS.split())

_lock = KIWI_LOCK  # one analyser per process, one lock (sotong.core.korean)
# Training and cross-validation analyse the same texts again and again; a bounded cache keeps that cheap.
_CACHE_SIZE = 20_000
_cache: dict[str, list[tuple[str, str]]] = {}


def analyse(texts: Sequence[str]) -> list[list[tuple[str, str]]]:
    """(form, tag) of every morpheme of every text; one batched Kiwi call (much faster than one by one)."""
    with _lock:  # Kiwi's analyser is not safe for concurrent calls from threads
        missing = list(dict.fromkeys(t for t in texts if t not in _cache))
        if missing and len(_cache) + len(missing) > _CACHE_SIZE:
            _cache.clear()
            missing = list(dict.fromkeys(texts))
        if missing:
            for text, result in zip(missing, kiwi().tokenize(missing), strict=True):
                _cache[text] = [(token.form, token.tag) for token in result]
        return [_cache[t] for t in texts]


def content_tokens(morphemes: list[tuple[str, str]]) -> list[str]:
    """Morphemes worth routing on, lowercased. Kiwi leaves a run of Chinese as one SH token, so it is
    cut into characters and character pairs (Chinese has no spaces to split words on); English words
    lose a plural -s and their stop words."""
    out: list[str] = []
    for form, tag in morphemes:
        if tag == "SH":
            for run in HAN_RUN.findall(form):
                out.extend(run)
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif tag == "SL":
            word = form.lower()
            if word in EN_STOP:
                continue
            if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
                word = word[:-1]
            out.append(word)
        elif tag in KEEP_TAGS or tag.startswith(KEEP_PREFIXES):
            out.append(form.lower())
    return out


def word_features(morphemes: list[tuple[str, str]]) -> list[str]:
    """Content tokens and the pairs of neighbouring ones (맨홀_뚜껑 says more than either word)."""
    toks = content_tokens(morphemes)
    return toks + [f"{a}_{b}" for a, b in itertools.pairwise(toks)]


def tokens(text: str) -> list[str]:
    """Morphemes worth routing on, lowercased; Kiwi handles Korean, English words pass as SL."""
    return content_tokens(analyse([text])[0])
