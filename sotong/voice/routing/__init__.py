"""Routing: suggest the department (with top-3 and confidence), the kind and the urgency of a message.

The model is trained from the project's own data (the labelled corpus minus its held-out split, the
departments' handles, written training messages, and officers' corrections of real cases) and kept
in the data folder; the first call trains it when no saved model exists.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import joblib
from django.conf import settings

from sotong.voice.routing import data, urgent
from sotong.voice.routing.model import Prediction, RoutingModel

logger = logging.getLogger(__name__)

MODEL_VERSION = 1
# A message whose urgent-model score is at least this is urgent even if no rule fired.
URGENT_MODEL_THRESHOLD = 0.5

_model: RoutingModel | None = None
_model_lock = threading.Lock()


def model_path() -> Path:
    return Path(settings.DATA_DIR) / "models" / f"routing-v{MODEL_VERSION}.joblib"


def training_examples(*, corrections: bool = True) -> list[data.Example]:
    train, held_out = data.split()
    examples = train + data.handles_examples() + data.synthetic_examples()
    if corrections:
        held_texts = {e.text.strip() for e in held_out}
        examples += [e for e in correction_examples() if e.text.strip() not in held_texts]
    return examples


def correction_examples() -> list[data.Example]:
    """Cases whose department an officer confirmed by answering them (after any transfer)."""
    from sotong.voice.selectors import confirmed_routing_examples

    return [
        data.Example(f"case:{number}", text, department, kind, is_urgent, "correction")
        for number, text, department, kind, is_urgent in confirmed_routing_examples()
    ]


def train(*, corrections: bool = True) -> RoutingModel:
    examples = training_examples(corrections=corrections)
    return RoutingModel.train(
        [e.text for e in examples],
        [e.department for e in examples],
        [e.kind for e in examples],
        [e.urgent for e in examples],
    )


def save(model: RoutingModel) -> Path:
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)
    return path


def get_model() -> RoutingModel:
    global _model
    if _model is not None:
        return _model
    with _model_lock:
        if _model is None:
            path = model_path()
            if path.exists():
                _model = joblib.load(path)
            else:
                logger.info("no routing model at %s: training one", path)
                _model = train(corrections=False)
                save(_model)
    return _model


def reload_model() -> None:
    global _model
    with _model_lock:
        _model = None


@dataclass(frozen=True)
class Routing:
    prediction: Prediction
    urgent: bool
    life_risk: bool
    urgent_reasons: tuple[str, ...]


def route_text(text: str) -> Routing:
    prediction = get_model().predict(text)
    rules = urgent.detect(text)
    reasons = rules.reasons
    if not rules.urgent and prediction.urgent_score >= URGENT_MODEL_THRESHOLD:
        reasons = ("모델 판단",)
    return Routing(
        prediction=prediction,
        urgent=bool(reasons),
        life_risk=rules.life_risk,
        urgent_reasons=reasons,
    )
