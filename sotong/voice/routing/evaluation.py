"""Quality of routing on the held-out split, which training never sees."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sotong.core.i18n import text_language
from sotong.voice.routing import RECOMMENDED_THRESHOLD, URGENT_MODEL_THRESHOLD, data, urgent
from sotong.voice.routing.model import Prediction


class Predictor(Protocol):
    def predict_many(self, texts: Sequence[str]) -> list[Prediction]: ...


@dataclass
class Report:
    examples: int
    top1: float
    top3: float
    urgent_total: int
    urgent_recall: float
    urgent_precision: float
    kind_accuracy: float
    confusions: list[tuple[str, str, str]] = field(default_factory=list)  # (id, expected, predicted)
    # language: (examples, top-1, top-3)
    by_language: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    threshold: float = RECOMMENDED_THRESHOLD
    direct_share: float = 0.0  # share of messages at or above the threshold: routed without triage
    direct_accuracy: float = 0.0  # share of those routed to the right department

    def as_dict(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "urgent_total": self.urgent_total,
            "urgent_recall": round(self.urgent_recall, 4),
            "urgent_precision": round(self.urgent_precision, 4),
            "kind_accuracy": round(self.kind_accuracy, 4),
            "by_language": {
                k: {"examples": n, "top1": round(t1, 4), "top3": round(t3, 4)}
                for k, (n, t1, t3) in self.by_language.items()
            },
            "threshold": self.threshold,
            "direct_share": round(self.direct_share, 4),
            "direct_accuracy": round(self.direct_accuracy, 4),
        }


def evaluate(
    model: Predictor,
    examples: list[data.Example] | None = None,
    *,
    detect: Callable[[str], urgent.Urgency] = urgent.detect,
    threshold: float = RECOMMENDED_THRESHOLD,
) -> Report:
    """Figures on `examples` (the held-out split by default). A message counts as flagged urgent when
    the rules (`detect`) or the urgency model say so, as in routing.route_text."""
    if examples is None:
        _, examples = data.split()
    predictions = model.predict_many([e.text for e in examples])
    top1 = top3 = kinds_right = kinds_total = 0
    true_pos = false_pos = urgent_total = direct = direct_right = 0
    languages: dict[str, list[int]] = {}
    confusions = []
    for example, prediction in zip(examples, predictions, strict=True):
        hit1 = prediction.department == example.department
        hit3 = example.department in [d for d, _ in prediction.top3]
        top1 += hit1
        top3 += hit3
        counts = languages.setdefault(text_language(example.text), [0, 0, 0])
        counts[0] += 1
        counts[1] += hit1
        counts[2] += hit3
        if prediction.confidence >= threshold:
            direct += 1
            direct_right += hit1
        if not hit1:
            confusions.append((example.id, example.department, prediction.department))
        if example.kind:
            kinds_total += 1
            kinds_right += prediction.kind == example.kind
        flagged = detect(example.text).urgent or prediction.urgent_score >= URGENT_MODEL_THRESHOLD
        urgent_total += example.urgent
        true_pos += flagged and example.urgent
        false_pos += flagged and not example.urgent
    n = len(examples) or 1
    return Report(
        examples=len(examples),
        top1=top1 / n,
        top3=top3 / n,
        urgent_total=urgent_total,
        urgent_recall=true_pos / urgent_total if urgent_total else 1.0,
        urgent_precision=true_pos / (true_pos + false_pos) if (true_pos + false_pos) else 1.0,
        kind_accuracy=kinds_right / kinds_total if kinds_total else 0.0,
        confusions=confusions,
        by_language={k: (v[0], v[1] / v[0], v[2] / v[0]) for k, v in sorted(languages.items())},
        threshold=threshold,
        direct_share=direct / n,
        direct_accuracy=direct_right / direct if direct else 0.0,
    )
