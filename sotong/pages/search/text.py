"""Korean text as search terms: what a page or answer is indexed under, and what a query looks for.

A Korean word is a run of morphemes ("불법주차를" = 불법 + 주차 + 를), and compounds are written without
spaces ("지진옥외대피장소"), so whole-word matching, which Wagtail's database backend does (SQLite FTS5's
unicode61 tokenizer, PostgreSQL's parser), finds neither "주차" in "불법주차" nor "대피소" in
"지진옥외대피장소". Text and queries therefore go through the same analysis (decision 0084):

- Kiwi's content morphemes (nouns, roots, verb and adjective stems, foreign words, numbers), lowercased;
- a compound's neighbouring nouns joined again ("불법주차", "대피장소"), so that the compound as typed matches;
- the syllable pairs of every Hangul noun of three syllables or more ("대피소" → 대피, 피소), so that a
  compound meets a word it shares a part with;
- Chinese characters and character pairs (Chinese has no spaces); English words without stop words.

The indexed text is these terms separated by spaces, which both backends' tokenizers keep whole.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from sotong.core.korean import KIWI_LOCK
from sotong.core.korean import kiwi as _kiwi

HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
NOUN_TAGS = ("NNG", "NNP", "XR", "SL", "SH", "SN")
STEM_TAGS = ("VV", "VA")
# English words that carry no meaning for a search.
EN_STOP = frozenset(
    """a an the is are was were be been am i me my we our you your he she it its they them their this that
    there here of in on at to for from with by and or but not no so do does did have has had can could would
    should will what where when how which who please""".split()  # noqa: SIM905 - a list of words reads better
)
# Stems too common to tell pages apart (하다, 되다, 있다, 없다 …): a query of them alone finds nothing.
STOP_STEMS = frozenset({"하", "되", "있", "없", "않", "같", "이", "보", "주", "받", "알", "싶", "가", "오"})

_lock = KIWI_LOCK  # one analyser per process, one lock (sotong.core.korean)
_CACHE_SIZE = 5_000
_cache: dict[str, list[tuple[str, str, int, int]]] = {}


def _pairs(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


@dataclass(frozen=True)
class QueryWord:
    """One word a query looks for, and the parts that also find it (its syllable pairs)."""

    word: str
    parts: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.word, *self.parts)


def _words(morphemes: list[tuple[str, str, int, int]], text: str) -> tuple[list[QueryWord], list[str]]:
    """The content words of one analysed text, and the compounds formed by neighbouring nouns."""
    words: list[QueryWord] = []
    compounds: list[str] = []
    run: list[tuple[str, int, int]] = []  # Hangul nouns written together

    def close_run() -> None:
        if len(run) > 1:
            forms = [f for f, _s, _e in run]
            joined = ["".join(forms)]
            if len(forms) > 2:
                joined.extend(a + b for a, b in itertools.pairwise(forms))
            compounds.extend(joined)
        run.clear()

    for form, tag, start, end in morphemes:
        if tag == "SH":
            close_run()
            for han in HAN_RUN.findall(form):
                words.extend(QueryWord(c, ()) for c in han)
                words.extend(QueryWord(p, ()) for p in _pairs(han))
            continue
        if tag == "SL":
            close_run()
            word = form.lower()
            if word in EN_STOP:
                continue
            if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
                word = word[:-1]
            words.append(QueryWord(word, ()))
            continue
        if tag in NOUN_TAGS:
            word = form.lower()
            hangul = bool(HANGUL.match(word))
            words.append(QueryWord(word, tuple(_pairs(word)) if hangul and len(word) >= 3 else ()))
            if hangul and tag in ("NNG", "NNP", "XR"):
                if run and run[-1][2] != start:  # a space or punctuation between: a new compound
                    close_run()
                run.append((word, start, end))
            else:
                close_run()
            continue
        close_run()
        if tag.startswith(STEM_TAGS) and form not in STOP_STEMS:
            words.append(QueryWord(form, ()))
    close_run()
    return words, compounds


def terms(text: str) -> list[str]:
    """Every search term of ``text``, in order, repeated as often as they occur."""
    return expand(text).split()


def analyse_many(texts: Sequence[str]) -> list[list[str]]:
    """The search terms of each text (one batched analysis)."""
    present = [t for t in texts if t and t.strip()]
    analysed = dict(zip(present, analyse(present), strict=True)) if present else {}
    out: list[list[str]] = []
    for value in texts:
        if value not in analysed:
            out.append([])
            continue
        words, compounds = _words(analysed[value], value)
        out.append([t for w in words for t in w.terms] + compounds)
    return out


def expand(*parts: str) -> str:
    """The text of ``parts`` as space-separated search terms (for a page's ``search_text``)."""
    return " ".join(t for terms_ in analyse_many(parts) for t in terms_)


def analyse(texts: Sequence[str]) -> list[list[tuple[str, str, int, int]]]:
    """Kiwi's morphemes of each text (form, tag, start, end); short texts are remembered."""
    with _lock:  # Kiwi's analyser is not safe for concurrent calls from threads
        missing = list(dict.fromkeys(t for t in texts if t not in _cache))
        fresh: dict[str, list[tuple[str, str, int, int]]] = {}
        if missing:
            for text, result in zip(missing, _kiwi().tokenize(missing), strict=True):
                fresh[text] = [(t.form, t.tag, t.start, t.start + t.len) for t in result]
            short = {t: m for t, m in fresh.items() if len(t) <= 1000}
            if len(_cache) + len(short) > _CACHE_SIZE:
                _cache.clear()
            _cache.update(short)
        return [fresh[t] if t in fresh else _cache[t] for t in texts]


@dataclass(frozen=True)
class Query:
    """What a resident typed, analysed: the words to look for and the compounds they form."""

    text: str
    words: tuple[QueryWord, ...]
    compounds: tuple[str, ...]

    @property
    def terms(self) -> list[str]:
        """Every term that finds something for this query (for the full-text index, OR-ed)."""
        out = [t for w in self.words for t in w.terms] + list(self.compounds)
        return list(dict.fromkeys(out))

    def __bool__(self) -> bool:
        return bool(self.words)


def parse_query(text: str) -> Query:
    text = " ".join(text.split())
    if not text:
        return Query(text, (), ())
    words, compounds = _words(analyse([text])[0], text)
    unique = tuple(dict.fromkeys(words))
    return Query(text, unique, tuple(dict.fromkeys(compounds)))


def score(query: Query, *, title: Iterable[str], body: Iterable[str]) -> float:
    """How well terms of a title and a body answer ``query``: each query word counts once, found whole
    (in the title three times as much as in the body) or, less, by the share of its parts found; the
    compounds typed count extra; repeated terms add a little. Zero when nothing matches."""
    title_terms = list(title)
    body_terms = list(body)
    title_set, body_set = set(title_terms), set(body_terms)
    total = 0.0
    for word in query.words:
        if word.word in title_set:
            total += 3.0
        elif word.word in body_set:
            total += 1.0 + min(body_terms.count(word.word), 10) / 20
        elif word.parts:
            found_title = sum(p in title_set for p in word.parts) / len(word.parts)
            found_body = sum(p in body_set for p in word.parts) / len(word.parts)
            total += max(1.5 * found_title, 0.5 * found_body)
    for compound in query.compounds:
        total += 1.0 if compound in title_set else 0.5 if compound in body_set else 0.0
    return total


def highlight(text: str, query: Query) -> SafeString:
    """``text`` escaped, with the query's words (or, failing them, their parts) in <mark>."""
    needles = sorted({t for t in query.terms if len(t) >= 2 or not HANGUL.match(t)}, key=len, reverse=True)
    if not needles:
        return mark_safe(html.escape(text))  # noqa: S308 - escaped
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the text is escaped
