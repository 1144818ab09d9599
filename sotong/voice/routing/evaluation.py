"""Quality of routing on the held-out split, which training never sees."""

from __future__ import annotations

from dataclasses import dataclass, field

from sotong.voice.routing import URGENT_MODEL_THRESHOLD, data, urgent
from sotong.voice.routing.model import RoutingModel


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

    def as_dict(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "urgent_total": self.urgent_total,
            "urgent_recall": round(self.urgent_recall, 4),
            "urgent_precision": round(self.urgent_precision, 4),
            "kind_accuracy": round(self.kind_accuracy, 4),
        }


def evaluate(model: RoutingModel, examples: list[data.Example] | None = None) -> Report:
    if examples is None:
        _, examples = data.split()
    predictions = model.predict_many([e.text for e in examples])
    top1 = top3 = kinds_right = kinds_total = 0
    true_pos = false_pos = urgent_total = 0
    confusions = []
    for example, prediction in zip(examples, predictions, strict=True):
        top1 += prediction.department == example.department
        top3 += example.department in [d for d, _ in prediction.top3]
        if prediction.department != example.department:
            confusions.append((example.id, example.department, prediction.department))
        if example.kind:
            kinds_total += 1
            kinds_right += prediction.kind == example.kind
        flagged = urgent.detect(example.text).urgent or prediction.urgent_score >= URGENT_MODEL_THRESHOLD
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
    )
