"""The routing model's hyperparameters (kept apart from the model so importing them costs nothing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    """Hyperparameters, chosen by cross-validation on the training part of the corpus (see selection.py)."""

    department_c: float = 0.5
    # Softmax temperature over the SVM margins: fitted to minimise log-loss on out-of-fold margins.
    temperature: float = 0.1
    char_range: tuple[int, int] = (1, 5)
    char_min_df: int = 2
    kind_c: float = 0.5
    urgent_c: float = 10.0
    # Which urgency rules fired (gas smell, flooding...), as features of the department: handles_ko
    # gives most of them an owner (a gas smell is the safety division's, whatever else it mentions).
    rule_features: bool = True
