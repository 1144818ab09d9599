"""Routing quality on the held-out split: the current model against the original baseline, in one run.

    .venv/bin/python bench/routing_quality.py          # about a minute on 2 cores
    .venv/bin/python bench/routing_quality.py --cv     # also the cross-validation used for selection
    .venv/bin/python bench/routing_quality.py --full   # also the baseline model on today's training data

Prints a table and writes bench/results/routing_quality.json. The held-out split is only scored here,
never trained on; model choices were made by cross-validation on the training part (--cv).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from sotong.core.i18n import text_language  # noqa: E402
from sotong.voice import routing  # noqa: E402
from sotong.voice.routing import data, evaluation, selection, urgent  # noqa: E402
from sotong.voice.routing.model import Prediction  # noqa: E402
from sotong.voice.routing.text import kiwi  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "routing_quality.json"

# ---------------------------------------------------------------------------------------------------
# The baseline: model.py, text.tokens and urgent.py as they were before this work (MODEL_VERSION 1),
# kept verbatim so that it is measured in the same run, on the same machine, as the current model.
# ---------------------------------------------------------------------------------------------------
_BASELINE_KEEP_TAGS = ("NNG", "NNP", "XR", "SL", "SH", "SN", "MAG")
_BASELINE_KEEP_PREFIXES = ("VV", "VA")
_baseline_lock = threading.Lock()


def _baseline_tokens(text: str) -> list[str]:
    with _baseline_lock:
        analysed = kiwi().tokenize(text)
    out = []
    for token in analysed:
        tag = token.tag
        if tag in _BASELINE_KEEP_TAGS or tag.startswith(_BASELINE_KEEP_PREFIXES):
            out.append(token.form.lower())
    return out


def _identity(values: list[str]) -> list[str]:
    return values


@dataclass
class BaselineFeatures:
    words: TfidfVectorizer = field(
        default_factory=lambda: TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1)
    )
    chars: TfidfVectorizer = field(
        default_factory=lambda: TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2
        )
    )

    @staticmethod
    def _words(texts: Sequence[str]) -> list[list[str]]:
        out = []
        for text in texts:
            toks = _baseline_tokens(text)
            out.append(toks + [f"{a}_{b}" for a, b in itertools.pairwise(toks)])
        return out

    def fit_transform(self, texts: Sequence[str]) -> csr_matrix:
        return hstack([self.words.fit_transform(self._words(texts)), self.chars.fit_transform(texts)]).tocsr()

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        return hstack([self.words.transform(self._words(texts)), self.chars.transform(texts)]).tocsr()


@dataclass
class BaselineModel:
    features: BaselineFeatures
    departments: LogisticRegression
    kinds: LogisticRegression | None
    urgency: LogisticRegression | None

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        departments: Sequence[str],
        kinds: Sequence[str | None],
        urgent: Sequence[bool],
    ) -> BaselineModel:
        features = BaselineFeatures()
        matrix = features.fit_transform(texts)
        department_model = LogisticRegression(C=30.0, max_iter=4000).fit(matrix, departments)
        kind_rows = [i for i, kind in enumerate(kinds) if kind]
        kind_model = (
            LogisticRegression(C=10.0, max_iter=4000).fit(matrix[kind_rows], [kinds[i] for i in kind_rows])
            if kind_rows
            else None
        )
        urgent_model = (
            LogisticRegression(C=10.0, max_iter=4000, class_weight="balanced").fit(matrix, list(urgent))
            if any(urgent)
            else None
        )
        return cls(features, department_model, kind_model, urgent_model)

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        matrix = self.features.transform(texts)
        probabilities = self.departments.predict_proba(matrix)
        classes = self.departments.classes_
        kinds = self.kinds.predict(matrix) if self.kinds is not None else [None] * len(texts)
        urgent_scores = (
            self.urgency.predict_proba(matrix)[:, list(self.urgency.classes_).index(True)]
            if self.urgency is not None
            else np.zeros(len(texts))
        )
        predictions = []
        for row, kind, urgent_score in zip(probabilities, kinds, urgent_scores, strict=True):
            order = np.argsort(-row)[:3]
            top3 = [(str(classes[i]), float(row[i])) for i in order]
            predictions.append(
                Prediction(
                    top3[0][0], top3[0][1], top3, str(kind) if kind is not None else None, float(urgent_score)
                )
            )
        return predictions

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]


_BASELINE_RULES: list[tuple[str, str, bool]] = [
    (
        r"가스\s*(냄새|누출|새)|gas (smell|leak|odou?r)|smell(s|ed)? (of )?gas|煤气|燃气",
        "가스 냄새·누출",
        True,
    ),
    (r"불\s*(났|이 났|이 나)|화재|연기가?\s*(엄청|많이|나)|\bfire\b|smoke|着火|火灾|冒烟", "화재", True),
    (
        r"쓰러(져|진|졌)\s*(있|계)|의식이?\s*없|숨을?\s*안|심정지|unconscious|collapsed on|not breathing|晕倒|昏迷",
        "사람이 쓰러짐",
        True,
    ),
    (
        r"(사람|아이|애|할머니|할아버지).{0,8}(빠졌|갇혔|매달려|다쳤)|trapped|drowning|被困",
        "사람이 위험",
        True,
    ),
    (r"비명|때리는\s*소리|학대|폭행|abuse|screaming|虐待", "폭력·학대 의심", True),
    (r"인기척이?\s*없|연락이?\s*안\s*(돼|되|닿)|고독사|no sign of (life|him|her)", "고립 주민 안부", True),
    (
        r"침수|물이?\s*(차|찼|들어|넘|솟|역류)|잠겼|flood|water (is )?(rising|coming in)|进水|淹|水.{0,4}涨",
        "침수",
        True,
    ),
    (
        r"무너(지|져|질|졌)|붕괴|기울어|넘어지기?\s*직전|금이?\s*(크게|많이)?\s*(가|갔|벌어)|collaps|about to fall|倒塌|坍塌",
        "붕괴 위험",
        True,
    ),
    (r"싱크홀|땅이?\s*꺼|도로\s*함몰|sinkhole|地陷|塌陷", "도로 함몰", True),
    (
        r"맨홀.{0,10}(열려|없|깨|파손|뚜껑)|manhole (cover )?(is )?(missing|open|broken)|井盖",
        "맨홀 위험",
        True,
    ),
    (
        r"전선.{0,10}(끊어|늘어|떨어)|감전|live wire|power line (down|fell)|电线.{0,4}(断|掉)",
        "전선·감전 위험",
        True,
    ),
    (
        r"(간판|외벽|타일|자재|철판|나무|가지).{0,16}(떨어|추락|쓰러|매달려|들떠|튀어나)|falling (sign|debris)",
        "낙하·전도 위험",
        True,
    ),
    (r"빙판|미끄러져|black ice", "빙판", False),
    (r"\[긴급\]|긴급|급해요|빨리\s*와|urgent|emergency|紧急|快点", "긴급 요청", False),
]
_BASELINE_COMPILED = [(re.compile(p, re.IGNORECASE), reason, life) for p, reason, life in _BASELINE_RULES]


def baseline_detect(text: str) -> urgent.Urgency:
    reasons, life = [], False
    for pattern, reason, life_risk in _BASELINE_COMPILED:
        if pattern.search(text):
            reasons.append(reason)
            life = life or life_risk
    return urgent.Urgency(urgent=bool(reasons), life_risk=life, reasons=tuple(reasons))


# ---------------------------------------------------------------------------------------------------


def _latency(model: Any, texts: list[str]) -> tuple[float, float]:
    model.predict("워밍업 메시지입니다")
    times = []
    for text in texts:
        started = time.perf_counter()
        model.predict(text)
        times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def _measure(
    name: str,
    fit: Callable[[], Any],
    detect: Callable[[str], urgent.Urgency],
    held_out: list[data.Example],
) -> dict[str, Any]:
    started = time.perf_counter()
    model = fit()
    seconds = time.perf_counter() - started
    report = evaluation.evaluate(model, held_out, detect=detect)
    p50, p95 = _latency(model, [e.text for e in held_out])
    return {
        "variant": name,
        **report.as_dict(),
        "train_seconds": round(seconds, 2),
        "predict_ms_p50": round(p50, 2),
        "predict_ms_p95": round(p95, 2),
    }


def _fit_baseline(examples: list[data.Example]) -> Callable[[], BaselineModel]:
    return lambda: BaselineModel.train(
        [e.text for e in examples],
        [e.department for e in examples],
        [e.kind for e in examples],
        [e.urgent for e in examples],
    )


def _cross_validation() -> dict[str, Any]:
    """The selection figures: 5-fold CV on the training part (2 seeds), written messages in training
    except near-duplicates of the tested messages; then with the written messages folded too, for
    urgency recall on them."""
    results = selection.cross_validate(routing.PARAMS, seeds=(0, 1))
    temperature = selection.fit_temperature(results)
    summary = selection.summarise(
        results, temperature=temperature, urgent_threshold=routing.URGENT_MODEL_THRESHOLD
    )
    chosen = selection.choose_threshold(results, temperature=temperature)
    default = selection.at_threshold(results, temperature=temperature, threshold=0.5)
    folded = selection.cross_validate(routing.PARAMS, seeds=(0,), fold_written=True)
    written = selection.summarise(
        folded, temperature=temperature, urgent_threshold=routing.URGENT_MODEL_THRESHOLD
    )
    written_urgent = [r for r in folded if r.example.source == "synthetic" and r.example.urgent]
    model_alone = sum(r.urgent_score >= routing.URGENT_MODEL_THRESHOLD for r in written_urgent) / len(
        written_urgent
    )
    return {
        "examples": summary.examples,
        "top1": round(summary.top1, 4),
        "top3": round(summary.top3, 4),
        "by_language": {k: [n, round(t1, 4), round(t3, 4)] for k, (n, t1, t3) in summary.by_language.items()},
        "kind_accuracy": round(summary.kind_accuracy, 4),
        "temperature": temperature,
        "threshold_95": chosen.__dict__,
        "threshold_0_5": default.__dict__,
        "written_urgent": written.synthetic_urgent_total,
        "written_urgent_recall_rules_and_model": round(written.synthetic_urgent_recall, 4),
        "written_urgent_recall_model_alone": round(model_alone, 4),
        "written_calm_flag_rate": round(written.synthetic_flag_rate, 4),
    }


def _table(rows: list[dict[str, Any]]) -> str:
    header = [
        "variant",
        "top-1",
        "top-3",
        "urg. recall",
        "urg. prec.",
        "kind acc.",
        "train s",
        "ms p50",
        "ms p95",
    ]
    body = [
        [
            r["variant"],
            f"{r['top1']:.1%}",
            f"{r['top3']:.1%}",
            f"{r['urgent_recall']:.1%}",
            f"{r['urgent_precision']:.1%}",
            f"{r['kind_accuracy']:.1%}",
            f"{r['train_seconds']:.1f}",
            f"{r['predict_ms_p50']:.2f}",
            f"{r['predict_ms_p95']:.2f}",
        ]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in [header, *body]
    ]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="also run the cross-validation used for selection")
    parser.add_argument(
        "--full", action="store_true", help="also train the baseline on today's training data"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    kiwi()  # load the morphological analyser once, outside every timing
    train, held_out = data.split()
    original_data = train + data.handles_examples()
    current_data = routing.training_examples(corrections=False)

    rows = [
        _measure(
            "baseline (v1 model, v1 rules, original data)",
            _fit_baseline(original_data),
            baseline_detect,
            held_out,
        )
    ]
    if args.full:
        rows.append(
            _measure(
                "baseline model + v2 data and rules", _fit_baseline(current_data), urgent.detect, held_out
            )
        )
    rows.append(
        _measure(
            f"sotong v{routing.MODEL_VERSION}",
            lambda: routing.train(corrections=False),
            urgent.detect,
            held_out,
        )
    )

    print(f"Routing on the held-out split ({len(held_out)} messages; never trained on)\n")
    print(_table(rows))
    current = rows[-1]
    print(
        f"\nThreshold {current['threshold']}: {current['direct_share']:.1%} of held-out messages go straight to a "
        f"department ({current['direct_accuracy']:.1%} of them right), {1 - current['direct_share']:.1%} to triage."
    )
    by_language = Counter(text_language(e.text) for e in data.synthetic_examples())
    sources = Counter(e.source for e in current_data)
    print(
        f"Training examples: {dict(sorted(sources.items()))}; written by language: {dict(sorted(by_language.items()))}"
    )
    result: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "held_out_examples": len(held_out),
        "variants": rows,
        "training_examples": dict(sorted(sources.items())),
        "synthetic_by_language": dict(sorted(by_language.items())),
        "params": routing.PARAMS.__dict__,
        "recommended_threshold": routing.RECOMMENDED_THRESHOLD,
    }
    if args.cv:
        cv = _cross_validation()
        result["cross_validation"] = cv
        print(
            f"\nCross-validation on the training part: top-1 {cv['top1']:.1%}, top-3 {cv['top3']:.1%}, "
            f"kind {cv['kind_accuracy']:.1%}, temperature {cv['temperature']}; "
            f"threshold for 95% right: {cv['threshold_95']['threshold']} "
            f"({cv['threshold_95']['direct_share']:.1%} direct); at 0.5: "
            f"{cv['threshold_0_5']['precision_above']:.1%} right, {cv['threshold_0_5']['direct_share']:.1%} direct. "
            f"Written urgent messages ({cv['written_urgent']}): recall {cv['written_urgent_recall_rules_and_model']:.1%} "
            f"with rules, {cv['written_urgent_recall_model_alone']:.1%} by the model alone; "
            f"{cv['written_calm_flag_rate']:.1%} of calm ones flagged."
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {RESULTS.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
