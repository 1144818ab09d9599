"""Site search: pages, 행복공감 stories and 구정소식 news (Wagtail's index), the department directory and
published answers, ranked together by the same Korean analysis (decision 0084).

Wagtail's database backend (SQLite FTS5, PostgreSQL full text) finds the candidate pages by any of the
query's terms; every candidate, whatever its kind, is then scored by ``text.score`` on its analysed title
and text, so that a page, a department and an answer compare on one scale and both databases rank alike.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page
from wagtail.search.models import IndexEntry
from wagtail.search.query import PlainText
from wagtail.search.utils import get_descendants_content_types_pks

from sotong.core.masking import mask_text
from sotong.organisation.models import split_handles
from sotong.organisation.selectors import directory
from sotong.pages.search import text
from sotong.voice.selectors.public import published_answers

MIN_LENGTH = 2
MAX_LENGTH = 100
PER_PAGE = 10
# Candidates each source may bring: the full-text index orders pages by its own rank first.
PAGE_CANDIDATES = 200
ANSWER_CANDIDATES = 100
SNIPPET_LENGTH = 160

KIND_LABELS = {
    "page": _("페이지"),
    "story": _("행복공감"),
    "news": _("구정소식"),
    "department": _("부서"),
    "answer": _("답변 사례"),
}
# Page types by their model name; any other page is a "page".
PAGE_KINDS = {"storypage": "story", "storyindexpage": "story", "newspage": "news", "newsindexpage": "news"}
# Among equal scores: what residents look for most often first.
KIND_ORDER = {"page": 0, "news": 1, "story": 2, "department": 3, "answer": 4}


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    score: float
    date: datetime.date | None = None
    snippet_text: str = ""
    page_id: int | None = None
    title_html: SafeString | None = None
    snippet: SafeString | None = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class SearchResults:
    query: str
    problem: str = ""  # "short", "long" or "no-words"
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def page_range(self) -> range:
        return range(1, self.pages + 1)


def site_search(*, query: str, page: int = 1, per_page: int = PER_PAGE, request: Any = None) -> SearchResults:
    """Everything public that answers ``query`` in the active language, best first, one page of it.
    A bounded number of database queries whatever the number of hits."""
    query = " ".join(query.split())
    if len(query) < MIN_LENGTH:
        return SearchResults(query=query, problem="short" if query else "")
    if len(query) > MAX_LENGTH:
        return SearchResults(query=query, problem="long")
    parsed = text.parse_query(query)
    if not parsed:
        return SearchResults(query=query, problem="no-words")
    hits = [*_page_hits(parsed, request), *_department_hits(parsed, request), *_answer_hits(parsed)]
    # Weak matches (a shared syllable pair only) go when something answers the whole query.
    if hits:
        best = max(h.score for h in hits)
        hits = [h for h in hits if h.score >= best / 4]
    hits.sort(key=lambda h: (-h.score, KIND_ORDER[h.kind], -(h.date.toordinal() if h.date else 0), h.title))
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.kind] = counts.get(hit.kind, 0) + 1
    pages = max(1, math.ceil(len(hits) / per_page))
    page = min(max(page, 1), pages)
    shown = hits[(page - 1) * per_page : page * per_page]
    _fill_page_snippets([h for h in shown if h.page_id is not None])
    for hit in shown:
        hit.title_html = text.highlight(hit.title, parsed)
        hit.snippet = text.highlight(_excerpt(hit.snippet_text, parsed), parsed)
    return SearchResults(query=query, hits=shown, total=len(hits), page=page, pages=pages, counts=counts)


def _page_hits(parsed: text.Query, request: Any) -> list[Hit]:
    public = Page.objects.live().public().filter(locale=Locale.get_active()).exclude(depth=1)
    candidates = list(public.search(PlainText(" ".join(parsed.terms), operator="or"))[:PAGE_CANDIDATES])
    # Titles hold compounds whole ("불법주차 단속"), and only pages with a ``search_text`` index them
    # analysed: a word inside a title finds its page whatever its type.
    in_title = Q()
    for term in parsed.terms:
        if len(term) >= 2:
            in_title |= Q(title__icontains=term)
    seen = {p.pk for p in candidates}
    if in_title:
        candidates += [
            p
            for p in public.filter(in_title).order_by("-first_published_at")[:PAGE_CANDIDATES]
            if p.pk not in seen
        ]
    if not candidates:
        return []
    bodies = dict(
        IndexEntry.objects.filter(
            content_type_id__in=get_descendants_content_types_pks(Page),
            object_id__in=[str(p.pk) for p in candidates],
        ).values_list("object_id", _body_field())
    )
    titles = text.analyse_many([p.title for p in candidates])
    hits = []
    for candidate, title_terms in zip(candidates, titles, strict=True):
        body_terms = (bodies.get(str(candidate.pk)) or "").split()
        score = text.score(parsed, title=title_terms, body=body_terms)
        url = candidate.get_url(request)
        if score <= 0 or not url:  # a page outside every site has no address to give
            continue
        published = candidate.first_published_at or candidate.last_published_at
        hits.append(
            Hit(
                kind=PAGE_KINDS.get(candidate.content_type.model, "page"),
                title=candidate.title,
                url=url,
                score=score,
                date=timezone.localdate(published) if published else None,
                page_id=candidate.pk,
            )
        )
    return hits


def _body_field() -> str:
    # PostgreSQL's entry keeps the plain text beside its tsvector; SQLite's and MySQL's keep the text.
    names = {f.name for f in IndexEntry._meta.get_fields()}
    return "body_text" if "body_text" in names else "body"


def _fill_page_snippets(hits: list[Hit]) -> None:
    """The readable text of the pages shown: summary, search description or intro (one query per page
    type)."""
    if not hits:
        return
    specific = {p.pk: p for p in Page.objects.filter(pk__in=[h.page_id for h in hits]).specific()}
    for hit in hits:
        page = specific.get(hit.page_id)
        if page is None:
            continue
        for name in ("summary", "search_description", "intro"):
            value = getattr(page, name, "")
            if value:
                hit.snippet_text = " ".join(strip_tags(str(value)).split())
                break


def _department_hits(parsed: text.Query, request: Any) -> list[Hit]:
    from sotong.pages.models import DirectoryPage

    directory_page = DirectoryPage.objects.live().filter(locale=Locale.get_active()).first()
    if directory_page is None:
        return []
    base_url = directory_page.get_url(request) or directory_page.url or ""
    departments = [d for bureau in directory() for d in bureau.listed_departments]  # type: ignore[attr-defined]
    if not departments:
        return []
    names = [" ".join(n for n in (d.name_ko, d.name_en, d.name_zh) if n) for d in departments]
    handles = [" ".join(h for h in (d.handles_ko, d.handles_en, d.handles_zh) if h) for d in departments]
    analysed = text.analyse_many(names + handles)
    hits = []
    for i, department in enumerate(departments):
        score = text.score(parsed, title=analysed[i], body=analysed[len(departments) + i])
        if score <= 0:
            continue
        matters = split_handles(department.handles) if hasattr(department, "handles") else []
        matters = matters or split_handles(department.handles_ko)
        matching = [m for m in matters if text.score(parsed, title=(), body=text.analyse_many([m])[0]) > 0]
        hits.append(
            Hit(
                kind="department",
                title=department.name,
                url=f"{base_url}{department.code}/",
                score=score,
                snippet_text=" · ".join(matching or matters),
            )
        )
    return hits


def _answer_hits(parsed: text.Query) -> list[Hit]:
    needles = [t for t in parsed.terms if len(t) >= 2]
    if not needles:
        return []
    condition = Q()
    for needle in needles:
        condition |= Q(title__icontains=needle) | Q(text__icontains=needle)
    cases = list(published_answers().filter(condition)[:ANSWER_CANDIDATES])
    if not cases:
        return []
    analysed = text.analyse_many([c.title for c in cases] + [c.text for c in cases])
    answered_url = reverse("voice:answered")
    hits = []
    for i, case in enumerate(cases):
        score = text.score(parsed, title=analysed[i], body=analysed[len(cases) + i])
        if score <= 0:
            continue
        names = [case.contact_name] if getattr(case, "contact_name", "") else []
        body = mask_text(case.text, names=names)
        title = mask_text(case.title, names=names) if case.title else body[:40]
        url = f"{answered_url}?department={case.department.code}" if case.department else answered_url
        hits.append(
            Hit(
                kind="answer",
                title=title,
                url=url,
                score=score,
                date=timezone.localdate(case.answered_at) if case.answered_at else None,
                snippet_text=body,
            )
        )
    return hits


def _excerpt(value: str, parsed: text.Query) -> str:
    """About SNIPPET_LENGTH characters of ``value`` around the first term found."""
    if len(value) <= SNIPPET_LENGTH:
        return value
    lowered = value.lower()
    positions = [lowered.find(t) for t in parsed.terms if len(t) >= 2 and t in lowered]
    start = max(0, min(positions) - 40) if positions else 0
    excerpt = value[start : start + SNIPPET_LENGTH]
    return ("…" if start else "") + excerpt + ("…" if start + SNIPPET_LENGTH < len(value) else "")
