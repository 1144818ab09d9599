"""Korean similarity of proposals: Kiwi's nouns (and roots, foreign words, numbers) with character pairs of
each noun, TF-IDF weighted and compared by cosine. Character pairs let 주차장 meet 불법주차."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sotong.core.korean import KIWI_LOCK
from sotong.core.korean import kiwi as _kiwi

KEEP = ("NNG", "NNP", "XR", "SL", "SN")
HANGUL = re.compile(r"[\uac00-\ud7a3]+")
_lock = KIWI_LOCK  # one analyser per process, one lock (sotong.core.korean)


def terms(text: str) -> list[str]:
    with _lock:  # Kiwi is not safe for concurrent calls from threads
        tokens = _kiwi().tokenize(text[:4000])
    out: list[str] = []
    for token in tokens:
        if not token.tag.startswith(KEEP):
            continue
        form = token.form.casefold()
        out.append(form)
        if HANGUL.fullmatch(form) and len(form) > 2:
            out.extend(form[i : i + 2] for i in range(len(form) - 1))
    return out


def similarities(query: str, texts: Sequence[str]) -> list[float]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    if not texts or not query.strip():
        return [0.0] * len(texts)
    vectorizer = TfidfVectorizer(analyzer=terms, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([query, *texts])
    except ValueError:  # no term at all
        return [0.0] * len(texts)
    return [float(score) for score in cosine_similarity(matrix[0], matrix[1:])[0]]
