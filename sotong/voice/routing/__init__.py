"""Routing: suggest the department (with top-3 and confidence), the kind and the urgency of a message.

The model is trained from the project's own data (the labelled corpus minus its held-out split, the
departments' handles, written training messages, and officers' corrections of real cases) and kept
in the data folder; the first call trains it when no saved model exists.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from sotong.voice.routing import data, urgent
from sotong.voice.routing.params import Params

if TYPE_CHECKING:
    from sotong.voice.routing.model import Prediction, RoutingModel

logger = logging.getLogger(__name__)

# 2: linear SVMs with a softmax temperature, Chinese character features (a version-1 file is not read).
MODEL_VERSION = 2
# A message whose urgent-model score is at least this is urgent even if no rule fired.
URGENT_MODEL_THRESHOLD = 0.5
# Hyperparameters chosen by cross-validation on the training part (selection.py; bench/README.md).
PARAMS = Params(
    department_c=0.5, temperature=0.1, char_range=(1, 5), char_min_df=2, kind_c=0.5, urgent_c=10.0
)
# The lowest confidence at which routed cases were right at least 95 % of the time, out of fold;
# VOICE_ROUTING_THRESHOLD should not be set below it.
RECOMMENDED_THRESHOLD = 0.71

_model: RoutingModel | None = None
_model_mtime: float | None = None  # of the file the model came from; None when trained in process
_model_lock = threading.Lock()


def model_path() -> Path:
    return Path(settings.DATA_DIR) / "models" / f"routing-v{MODEL_VERSION}.joblib"


def training_examples(*, corrections: bool = True) -> list[data.Example]:
    train, held_out = data.split()
    extra = data.handles_examples() + data.synthetic_examples()
    if corrections:
        extra += correction_examples()
    # Anything that repeats a held-out message word for word (a resident's case that reached the
    # corrections, say) stays out, so the held-out figures keep meaning something.
    held_texts = {data.normalised(e.text) for e in held_out}
    return train + [e for e in extra if data.normalised(e.text) not in held_texts]


def correction_examples() -> list[data.Example]:
    """Cases whose department an officer confirmed by answering them (after any transfer)."""
    from sotong.voice.selectors import confirmed_routing_examples

    return [
        data.Example(f"case:{number}", text, department, kind, is_urgent, "correction")
        for number, text, department, kind, is_urgent in confirmed_routing_examples()
    ]


def signature() -> str:
    """What the saved model was made from: this package's code, its parameters and the training files.
    A saved model with another signature is trained again instead of being used."""
    digest = hashlib.sha256(f"{MODEL_VERSION}:{PARAMS}".encode())
    package = Path(__file__).resolve().parent
    for path in [
        *sorted(package.glob("*.py")),
        data.CORPUS,
        data.HELDOUT,
        *sorted((data.DATA_DIR / "synthetic").glob("*.jsonl")),
    ]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(*, corrections: bool = True, params: Params | None = None) -> RoutingModel:
    from sotong.voice.routing.model import RoutingModel

    examples = training_examples(corrections=corrections)
    model = RoutingModel.train(
        [e.text for e in examples],
        [e.department for e in examples],
        [e.kind for e in examples],
        [e.urgent for e in examples],
        params or PARAMS,
    )
    model.signature = signature()  # type: ignore[attr-defined]
    return model


def save(model: RoutingModel) -> Path:
    import joblib

    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)
    return path


def _load() -> RoutingModel | None:
    """The saved model, or None when it was made from other code or data than this process has."""
    import joblib

    model = joblib.load(model_path())
    if getattr(model, "signature", None) != signature():
        logger.info("the saved routing model was made from other code or data: training again")
        return None
    return model


def _saved_mtime() -> float | None:
    try:
        return model_path().stat().st_mtime
    except FileNotFoundError:
        return None


def get_model() -> RoutingModel:
    """The routing model of this process. A newer saved file (`sotong voice_retrain` in another
    process) replaces it at the next call, so workers need no restart."""
    global _model, _model_mtime
    if _model is not None and (_model_mtime is None or _saved_mtime() in (None, _model_mtime)):
        return _model
    with _model_lock:
        mtime = _saved_mtime()
        if _model is None or (_model_mtime is not None and mtime not in (None, _model_mtime)):
            loaded = _load() if mtime is not None else None
            if loaded is not None:
                _model, _model_mtime = loaded, mtime
            else:
                logger.info("training a routing model for %s", model_path())
                _model = train(corrections=False)
                save(_model)
                _model_mtime = _saved_mtime()
    return _model


def reload_model() -> None:
    global _model, _model_mtime
    with _model_lock:
        _model, _model_mtime = None, None


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
