"""What the case page may tell an officer: which answered cases are similar, and how sure the router was.

    .venv/bin/python bench/similar_threshold.py    # about 3 minutes on 2 free cores; 20 on a busy machine

Both parts read the training part of the labelled corpus only (sotong/voice/data/voice_train.jsonl without
the ids in heldout_ids.txt) and the router's out-of-fold predictions for it (5 folds, as
``sotong.voice.routing.selection`` makes them: no message is scored by a model that saw it).

Similar answered cases: every message in turn is the new case and the others are the answered cases, scored
by the case page's own similarity (``sotong.voice.selectors.text_similarities``) and cut, as there, to the 5
most alike at or above the threshold, among the departments the case plausibly belongs to (the router's
suggestions of at least ``NEGLIGIBLE_PROBABILITY``; on the page also the case's own department, which this
leaves out). A case shown is relevant when it is of the same department (the corpus labels departments).
For each threshold: the share of messages that get at least one similar case, and the share of the cases
shown, and of the first ones, that are relevant. The same without the department restriction, and the
similarity the page used before (character 2-3-grams, > 0.1), are measured beside it.

Router confidence in words: how often the suggested department was right in each band of confidence.

Prints the tables and writes bench/results/similar_threshold.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics.pairwise import cosine_similarity  # noqa: E402

from sotong.core.i18n import text_language  # noqa: E402
from sotong.voice import routing, selectors  # noqa: E402
from sotong.voice.routing import data, selection  # noqa: E402
from sotong.voice.routing.model import softmax  # noqa: E402
from sotong.voice.templatetags import voice_tags  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "similar_threshold.json"
LIMIT = 5  # what the case page shows at most
THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 11)]  # 0.05 … 0.50
MIN_SHOWN = 30  # a share read on fewer shown cases is noise, not a measure
CONFIDENCE_BANDS = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.71, 0.8, 0.9, 0.95, 1.01]


def before(query: str, texts: Sequence[str]) -> list[float]:
    """The similarity the case page used before this measure (kept here to compare in the same run)."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform([query, *texts])
    return [float(s) for s in cosine_similarity(matrix[0], matrix[1:])[0]]


def ranked(
    examples: list[data.Example],
    similarity: Callable[[str, Sequence[str]], list[float]],
    allowed: list[set[str]] | None,
) -> list[list[tuple[float, bool]]]:
    """For each message, (similarity, same department) of the other messages it may be shown, most alike
    first (the vectoriser fitted on the message and that pool, as on the page)."""
    out = []
    for i, query in enumerate(examples):
        pool = [
            other
            for j, other in enumerate(examples)
            if j != i and (allowed is None or other.department in allowed[i])
        ]
        scores = similarity(query.text, [e.text for e in pool])
        out.append(
            sorted(
                ((s, other.department == query.department) for s, other in zip(scores, pool, strict=True)),
                key=lambda pair: -pair[0],
            )
        )
    return out


def at_threshold(
    rows: list[list[tuple[float, bool]]], threshold: float, strict: bool = False
) -> dict[str, Any]:
    shown = [
        [p for p in pairs[:LIMIT] if (p[0] > threshold if strict else p[0] >= threshold)] for pairs in rows
    ]
    with_any = [s for s in shown if s]
    flat = [same for s in shown for _score, same in s]
    return {
        "threshold": threshold,
        "messages_with_any": len(with_any) / len(rows) if rows else 0.0,
        "shown": len(flat),
        "relevant_shown": sum(flat) / len(flat) if flat else None,
        "relevant_first": sum(s[0][1] for s in with_any) / len(with_any) if with_any else None,
    }


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print_table(title: str, table: list[dict[str, Any]], marks: dict[float, str]) -> None:
    print(f"\n{title}\n")
    print(
        "| threshold | messages with a similar case | cases shown | relevant shown | first shown relevant |"
    )
    print("|---|---|---|---|---|")
    for row in table:
        mark = marks.get(row["threshold"], "")
        label = row["threshold"] if isinstance(row["threshold"], str) else f"{row['threshold']:.2f}"
        print(
            f"| {label}{f' ({mark})' if mark else ''} | {row['messages_with_any']:.1%} | {row['shown']} "
            f"| {_percent(row['relevant_shown'])} | {_percent(row['relevant_first'])} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--target", type=float, default=0.8, help="share of shown cases that must be relevant"
    )
    parser.add_argument("--very-target", type=float, default=0.85, help="the same, for 'very similar'")
    args = parser.parse_args()

    started = time.perf_counter()
    train, held_out = data.split()
    out_of_fold = {r.example.id: r for r in selection.cross_validate(routing.PARAMS, folds=5, seeds=(0,))}
    probabilities = []
    for example in train:
        r = out_of_fold[example.id]
        p = softmax(r.margins[None, :], routing.PARAMS.temperature)[0]
        probabilities.append({r.classes[i]: float(p[i]) for i in np.argsort(-p)[:3]})  # the stored top-3
    plausible = [
        {c for c, p in top3.items() if p >= selectors.NEGLIGIBLE_PROBABILITY} for top3 in probabilities
    ]

    restricted = ranked(train, selectors.text_similarities, plausible)
    anywhere = ranked(train, selectors.text_similarities, None)
    old_rows = ranked(train, before, None)
    table = [at_threshold(restricted, t) for t in THRESHOLDS]
    table_anywhere = [at_threshold(anywhere, t) for t in THRESHOLDS]
    old = at_threshold(old_rows, 0.1, strict=True)
    old["threshold"] = "char 2-3-grams, any department, > 0.1 (before)"
    marks = {selectors.SIMILAR_THRESHOLD: "in the code"}

    print(
        f"Training part of the corpus: {len(train)} messages ({len(held_out)} held out, not read), "
        f"{len({e.department for e in train})} departments; at most {LIMIT} cases shown; relevant = same "
        f"department. Departments plausible for a message (router, out of fold, p >= "
        f"{selectors.NEGLIGIBLE_PROBABILITY}): {np.mean([len(a) for a in plausible]):.2f} on average, the "
        f"right one among them for {np.mean([e.department in a for e, a in zip(train, plausible, strict=True)]):.1%}."
    )
    _print_table("Similar answered cases, among the plausible departments (the case page)", table, marks)
    _print_table("The same similarity, any department", table_anywhere, {})
    _print_table("Before", [old], {})
    meeting = [
        row["threshold"]
        for row in table
        if row["shown"] >= MIN_SHOWN and row["relevant_shown"] >= args.target
    ]
    print(
        f"\nThresholds at which at least {args.target:.0%} of the cases shown are relevant (read on {MIN_SHOWN} or "
        f"more): {meeting}. In the code: {selectors.SIMILAR_THRESHOLD}."
    )
    by_language = {}
    for language in sorted({text_language(e.text) for e in train}):
        rows = [restricted[i] for i, e in enumerate(train) if text_language(e.text) == language]
        by_language[language] = {"messages": len(rows), **at_threshold(rows, selectors.SIMILAR_THRESHOLD)}
        print(
            f"  {language}: {len(rows)} messages, {by_language[language]['messages_with_any']:.1%} get a similar "
            f"case at {selectors.SIMILAR_THRESHOLD}, {_percent(by_language[language]['relevant_shown'])} of "
            "those shown relevant"
        )

    # Router confidence, out of fold: how often the suggested department is right, band by band.
    confidence = np.array([max(top3.values()) for top3 in probabilities])
    right = np.array(
        [
            max(top3, key=top3.__getitem__) == e.department
            for top3, e in zip(probabilities, train, strict=True)
        ]
    )
    bands = []
    for low, high in itertools.pairwise(CONFIDENCE_BANDS):
        inside = (confidence >= low) & (confidence < high)
        bands.append(
            {
                "from": low,
                "to": min(high, 1.0),
                "messages": int(inside.sum()),
                "right": float(right[inside].mean()) if inside.any() else None,
            }
        )
    levels = []
    for name, low, high in [
        ("high", voice_tags.CONFIDENCE_HIGH, 1.01),
        ("medium", voice_tags.CONFIDENCE_MEDIUM, voice_tags.CONFIDENCE_HIGH),
        ("low", 0.0, voice_tags.CONFIDENCE_MEDIUM),
    ]:
        inside = (confidence >= low) & (confidence < high)
        levels.append(
            {
                "level": name,
                "from": low,
                "messages": int(inside.sum()),
                "share": float(inside.mean()),
                "right": float(right[inside].mean()) if inside.any() else None,
            }
        )
    hidden_right = sum(
        1
        for top3, e in zip(probabilities, train, strict=True)
        if e.department in top3 and top3[e.department] < selectors.NEGLIGIBLE_PROBABILITY
    )
    print("\nRouter confidence, out of fold: the suggested department is right\n")
    print("| confidence | messages | right |")
    print("|---|---|---|")
    for band in bands:
        print(f"| {band['from']:.2f}–{band['to']:.2f} | {band['messages']} | {_percent(band['right'])} |")
    print()
    for level in levels:
        print(
            f"  {level['level']} (from {level['from']}): {level['share']:.1%} of messages, {_percent(level['right'])} right"
        )
    print(
        f"  Alternatives under {selectors.NEGLIGIBLE_PROBABILITY} hidden: the right department was one of them for "
        f"{hidden_right} of {len(train)} messages ({hidden_right / len(train):.1%})."
    )

    result: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "messages": len(train),
        "held_out_not_read": len(held_out),
        "limit": LIMIT,
        "negligible_probability": selectors.NEGLIGIBLE_PROBABILITY,
        "target": args.target,
        "thresholds_meeting_target": meeting,
        "in_code": selectors.SIMILAR_THRESHOLD,
        "similar_plausible_departments": table,
        "similar_any_department": table_anywhere,
        "before": old,
        "by_language_at_similar": by_language,
        "confidence_bands": bands,
        "confidence_levels": levels,
        "right_department_hidden_as_negligible": hidden_right,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {RESULTS.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
