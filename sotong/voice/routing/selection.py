"""Model selection by cross-validation on the training part only: the held-out split is never read here.

The corpus's training part (and, to measure urgency on them, the written messages) is cut into
stratified folds; the departments' handles always stay in training. Each fold's model scores the messages it did not see.
Department and kind figures are read on the corpus messages (real residents' wording); urgency recall
also on the written urgent messages, which are most of the urgent examples we have.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn.model_selection import StratifiedKFold

from sotong.core.i18n import text_language
from sotong.voice.routing import data, urgent
from sotong.voice.routing.model import Params, RoutingModel, softmax
from sotong.voice.routing.text import analyse, content_tokens


@dataclass(frozen=True)
class OutOfFold:
    example: data.Example
    classes: tuple[str, ...]
    margins: np.ndarray
    kind: str | None
    urgent_score: float


def examples_for_selection(*, fold_written: bool) -> tuple[list[data.Example], list[data.Example]]:
    """(examples to fold, examples always trained on)."""
    train, _held_out = data.split()
    if fold_written:
        return train + data.synthetic_examples(), data.handles_examples()
    return train, data.handles_examples() + data.synthetic_examples()


# Written messages this close to a tested message (Jaccard of content tokens) are left out of that
# fold's training: some were written after reading the training corpus, and a near-paraphrase in
# training would make cross-validation measure memory instead of generalisation.
NEAR_DUPLICATE = 0.3


def _near_duplicates(tested: list[data.Example], candidates: list[data.Example]) -> set[int]:
    """Indexes of candidates that nearly repeat one of the tested messages."""
    sets = [set(content_tokens(m)) for m in analyse([e.text for e in tested + candidates])]
    tested_sets, candidate_sets = sets[: len(tested)], sets[len(tested) :]
    found = set()
    for j, candidate in enumerate(candidate_sets):
        for tested_set in tested_sets:
            union = len(candidate | tested_set)
            if union and len(candidate & tested_set) / union >= NEAR_DUPLICATE:
                found.add(j)
                break
    return found


def cross_validate(
    params: Params, *, folds: int = 5, seeds: tuple[int, ...] = (0,), fold_written: bool = False
) -> list[OutOfFold]:
    """Out-of-fold predictions. With fold_written, the written messages are folded too (to measure
    urgency recall on them); without, they stay in every fold's training, as in the final model,
    except those that nearly repeat a tested corpus message (NEAR_DUPLICATE)."""
    pool, always = examples_for_selection(fold_written=fold_written)
    labels = [e.department for e in pool]
    out: list[OutOfFold] = []
    for seed in seeds:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        for train_rows, test_rows in splitter.split(np.zeros(len(pool)), labels):
            tested_corpus = [pool[i] for i in test_rows if pool[i].source == "corpus"]
            candidates = [pool[i] for i in train_rows] + always
            leaks = _near_duplicates(tested_corpus, candidates)
            training = [e for j, e in enumerate(candidates) if j not in leaks or e.source == "corpus"]
            model = RoutingModel.train(
                [e.text for e in training],
                [e.department for e in training],
                [e.kind for e in training],
                [e.urgent for e in training],
                params,
            )
            tested = [pool[i] for i in test_rows]
            matrix = model.features.transform([e.text for e in tested])
            margins = model.departments.decision_function(matrix)
            predictions = model.predict_many([e.text for e in tested])
            classes = tuple(str(c) for c in model.departments.classes_)
            for example, row, prediction in zip(tested, margins, predictions, strict=True):
                out.append(OutOfFold(example, classes, row, prediction.kind, prediction.urgent_score))
    return out


def fit_temperature(results: list[OutOfFold], grid: np.ndarray | None = None) -> float:
    """The softmax temperature that minimises the log-loss of the true department, out of fold."""
    grid = grid if grid is not None else np.round(np.arange(0.04, 0.41, 0.01), 2)
    margins = np.vstack([r.margins for r in results])
    truth = np.array([r.classes.index(r.example.department) for r in results])
    losses = []
    for temperature in grid:
        probabilities = softmax(margins, float(temperature))
        losses.append(-np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-12)))
    return float(grid[int(np.argmin(losses))])


@dataclass(frozen=True)
class Summary:
    examples: int
    top1: float
    top3: float
    by_language: dict[str, tuple[int, float, float]]
    kind_accuracy: float
    urgent_total: int
    urgent_recall: float
    urgent_precision: float
    synthetic_urgent_total: int
    synthetic_urgent_recall: float
    synthetic_flag_rate: float  # share of non-urgent written messages flagged urgent


def summarise(
    results: list[OutOfFold], *, temperature: float, urgent_threshold: float, source: str = "corpus"
) -> Summary:
    corpus = [r for r in results if r.example.source == source]
    top1 = top3 = kinds_right = kinds_total = 0
    languages: dict[str, list[int]] = {}
    for r in corpus:
        order = np.argsort(-r.margins)[:3]
        top = [r.classes[i] for i in order]
        hit1, hit3 = top[0] == r.example.department, r.example.department in top
        top1 += hit1
        top3 += hit3
        counts = languages.setdefault(text_language(r.example.text), [0, 0, 0])
        counts[0] += 1
        counts[1] += hit1
        counts[2] += hit3
        if r.example.kind:
            kinds_total += 1
            kinds_right += r.kind == r.example.kind

    def flagged(r: OutOfFold) -> bool:
        return urgent.detect(r.example.text).urgent or r.urgent_score >= urgent_threshold

    urgent_rows = [r for r in corpus if r.example.urgent]
    flagged_rows = [r for r in corpus if flagged(r)]
    written = [r for r in results if r.example.source == "synthetic"]
    written_urgent = [r for r in written if r.example.urgent]
    written_calm = [r for r in written if not r.example.urgent]
    n = len(corpus) or 1
    return Summary(
        examples=len(corpus),
        top1=top1 / n,
        top3=top3 / n,
        by_language={k: (v[0], v[1] / v[0], v[2] / v[0]) for k, v in sorted(languages.items())},
        kind_accuracy=kinds_right / kinds_total if kinds_total else 0.0,
        urgent_total=len(urgent_rows),
        urgent_recall=sum(flagged(r) for r in urgent_rows) / len(urgent_rows) if urgent_rows else 1.0,
        urgent_precision=(
            sum(r.example.urgent for r in flagged_rows) / len(flagged_rows) if flagged_rows else 1.0
        ),
        synthetic_urgent_total=len(written_urgent),
        synthetic_urgent_recall=(
            sum(flagged(r) for r in written_urgent) / len(written_urgent) if written_urgent else 1.0
        ),
        synthetic_flag_rate=(
            sum(flagged(r) for r in written_calm) / len(written_calm) if written_calm else 0.0
        ),
    )


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    precision_above: float  # share right among the cases at or above the threshold
    direct_share: float  # share of cases that would go straight to a department
    triage_share: float


def _confidence_and_right(
    results: list[OutOfFold], temperature: float, source: str
) -> tuple[np.ndarray, np.ndarray]:
    rows = [r for r in results if r.example.source == source]
    confidence = np.array([softmax(r.margins[None, :], temperature).max() for r in rows])
    right = np.array([r.classes[int(np.argmax(r.margins))] == r.example.department for r in rows])
    return confidence, right


def at_threshold(
    results: list[OutOfFold], *, temperature: float, threshold: float, source: str = "corpus"
) -> ThresholdChoice:
    """How a given threshold splits the out-of-fold cases between departments and triage."""
    confidence, right = _confidence_and_right(results, temperature, source)
    above = confidence >= threshold
    share = float(above.mean()) if len(above) else 0.0
    precision = float(right[above].mean()) if above.any() else 1.0
    return ThresholdChoice(threshold, precision, share, 1.0 - share)


def choose_threshold(
    results: list[OutOfFold], *, temperature: float, target: float = 0.95, source: str = "corpus"
) -> ThresholdChoice:
    """The lowest confidence threshold at which the cases at or above it are right at least `target` of
    the time (out of fold, on residents' real messages): the most cases routed directly at that accuracy."""
    best = ThresholdChoice(1.0, 1.0, 0.0, 1.0)
    for threshold in np.round(np.arange(0.99, 0.04, -0.01), 2):
        choice = at_threshold(results, temperature=temperature, threshold=float(threshold), source=source)
        if choice.direct_share > 0 and choice.precision_above >= target:
            best = choice
    return best


def with_temperature(params: Params, results: list[OutOfFold]) -> Params:
    return replace(params, temperature=fit_temperature(results))
