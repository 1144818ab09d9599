"""The case page's hints: similar answered cases from the plausible departments, the inferred category, answers an officer may reuse (masked)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sotong.core.masking import mask_text
from sotong.organisation.selectors import case_departments_for
from sotong.voice.choices import Status
from sotong.voice.models import Case, CaseMessage, ServiceCategory
from sotong.voice.routing.text import EN_STOP
from sotong.voice.selectors.cases import can_handle_case

# A department the router gave less than this probability is not one the case plausibly belongs to:
# the case page does not list it among the router's suggestions, nor offer its answered cases as similar.
NEGLIGIBLE_PROBABILITY = 0.05
# How alike (text_similarities) an answered case must read to be offered as similar. Measured on the
# labelled corpus by bench/similar_threshold.py (decision 0070): 4 in 5 of the cases offered are of the
# right department from 0.05 to 0.2 (more alike is not more relevant); 0.1 shows half as many as 0.05.
SIMILAR_THRESHOLD = 0.1

# Particles and endings cut from the end of a Korean word before comparing (longest first, one each).
_PARTICLES = (
    *("에서", "으로", "까지", "부터", "에게", "한테", "이나", "이랑"),
    *("이", "가", "은", "는", "을", "를", "에", "의", "도", "로"),
    *("와", "과", "만", "요", "다", "고", "서", "면", "나", "랑"),
)
_WORD = re.compile(r"[\uac00-\ud7a3]+|[a-z][a-z0-9']+|[\u4e00-\u9fff]+")


def similarity_terms(text: str) -> list[str]:
    """What two messages are compared on, without a morphological analyser (a case page must not wait
    for one): character pairs and triples inside Korean words less a final particle or ending, English
    words less stop words and a plural -s, Chinese characters and character pairs."""
    terms: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if word[0] <= "z":
            if word in EN_STOP or len(word) < 3:
                continue
            if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
                word = word[:-1]
            terms.append(word)
        elif word[0] >= "\uac00":
            for particle in _PARTICLES:
                if word.endswith(particle) and len(word) - len(particle) >= 2:
                    word = word[: -len(particle)]
                    break
            for n in (2, 3):
                terms.extend(word[i : i + n] for i in range(len(word) - n + 1))
        else:
            terms.extend(word)
            terms.extend(word[i : i + 2] for i in range(len(word) - 1))
    return terms


def text_similarities(query: str, texts: Sequence[str]) -> list[float]:
    """Cosine similarity of ``query`` to each of ``texts``: TF-IDF over similarity_terms, fitted on them all."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    if not texts:
        return []
    vectorizer = TfidfVectorizer(analyzer=similarity_terms, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([query, *texts])
    except ValueError:  # not one term in any text (digits or emoji only)
        return [0.0] * len(texts)
    return [float(score) for score in cosine_similarity(matrix[0], matrix[1:])[0]]


def plausible_departments(case: Case) -> set[str]:
    """Codes of the departments the case may belong to: its own, the router's suggestion and every
    alternative the router did not find negligible. Empty before routing."""
    codes = {code for code, probability in case.routing_top3 if probability >= NEGLIGIBLE_PROBABILITY}
    for department in (case.department, case.suggested_department):
        if department is not None:
            codes.add(department.code)
    return codes


def similar_answered(*, case: Case, limit: int = 5) -> list[tuple[Case, float]]:
    """Answered cases that read like this one (at least SIMILAR_THRESHOLD), most alike first, from
    every department the case plausibly belongs to (all of them before routing): shared knowledge."""
    pool = Case.objects.filter(status__in=[Status.ANSWERED, Status.CLOSED], primary__isnull=True).exclude(
        pk=case.pk
    )
    departments = plausible_departments(case)
    if departments:
        pool = pool.filter(department__code__in=sorted(departments))
    candidates = list(pool.select_related("department").order_by("-answered_at")[:2000])
    scores = text_similarities(case.text, [c.text for c in candidates])
    ranked = sorted(zip(candidates, scores, strict=True), key=lambda pair: -pair[1])
    return [(c, score) for c, score in ranked[:limit] if score >= SIMILAR_THRESHOLD]


def case_category(case: Case) -> tuple[ServiceCategory | None, bool]:
    """(category, inferred). The resident's choice when they made one; otherwise, for a case the router
    sent to a department (the router names departments, not categories), that department's category whose
    search words the text uses most, or its only one: inferred, for officers to read as a guess."""
    if case.category is not None:
        return case.category, False
    if case.department_id is None:
        return None, False
    categories = list(ServiceCategory.objects.filter(department_id=case.department_id, is_active=True))
    text = f"{case.title} {case.text}".casefold()
    hits = [(sum(word.casefold() in text for word in c.keywords.split()), c) for c in categories]
    best = max(hits, key=lambda pair: pair[0], default=(0, None))
    if best[0] > 0:
        return best[1], True
    return (categories[0], True) if len(categories) == 1 else (None, False)


def is_published(case: Case) -> bool:
    """True when the case is on the public list of answers (see ``published_answers``)."""
    return (
        case.consent_publish and case.status in {Status.ANSWERED, Status.CLOSED} and case.primary_id is None
    )


def can_see_answer(user: Any, case: Case) -> bool:
    """An officer may reuse a published answer, or one of a case they may handle (their department's,
    or any for roles that span departments)."""
    return is_published(case) or can_handle_case(user, case)


def masked_for_reuse(case: Case, text: str) -> str:
    """Text of another resident's case as an officer may reuse it: no phone numbers, addresses of mail,
    registration or car numbers, nor that resident's name (the public pages' masking)."""
    return mask_text(text, names=[case.contact_name])


@dataclass(frozen=True)
class SimilarAnswer:
    case: Case
    score: float
    text: str  # the resident's words, masked
    reusable: bool  # the officer may see (and so reuse) its answer


def similar_answers_for(*, user: Any, case: Case, limit: int = 5) -> list[SimilarAnswer]:
    """``similar_answered`` as ``user`` may see it: every department's cases, masked, and which of
    their answers the user may reuse."""
    similar = similar_answered(case=case, limit=limit)
    if not similar:
        return []
    # One query for the departments the user handles (can_handle_case would ask once per case).
    handled = set(case_departments_for(user).values_list("pk", flat=True))
    return [
        SimilarAnswer(
            case=other,
            score=score,
            text=masked_for_reuse(other, other.text),
            reusable=is_published(other) or other.department_id in handled,
        )
        for other, score in similar
    ]


def reusable_answer(*, user: Any, number: str) -> str:
    """The final answer of case ``number``, masked, for ``user`` to start a reply from; "" when there
    is none or the user may not see it (told apart from a missing case by nothing)."""
    source = Case.objects.filter(number=number[:20]).first()
    if source is None or not can_see_answer(user, source):
        return ""
    answer = source.messages.filter(purpose=CaseMessage.Purpose.ANSWER).last()
    return masked_for_reuse(source, answer.body) if answer is not None else ""
