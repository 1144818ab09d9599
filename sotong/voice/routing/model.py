"""The routing model: which department, what kind, how urgent.

Features are TF-IDF over Kiwi morphemes (with bigrams) and over character n-grams of the raw text
(which carries English and Chinese, and Korean spelling variants). Logistic regression gives
probabilities, so the top-3 and the confidence mean something to the threshold.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from sotong.voice.routing.text import tokens


def _identity(values: list[str]) -> list[str]:
    return values


@dataclass
class Features:
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
            toks = tokens(text)
            out.append(toks + [f"{a}_{b}" for a, b in itertools.pairwise(toks)])
        return out

    def fit_transform(self, texts: Sequence[str]) -> csr_matrix:
        return hstack([self.words.fit_transform(self._words(texts)), self.chars.fit_transform(texts)]).tocsr()

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        return hstack([self.words.transform(self._words(texts)), self.chars.transform(texts)]).tocsr()


@dataclass(frozen=True)
class Prediction:
    department: str
    confidence: float
    top3: list[tuple[str, float]]
    kind: str | None
    urgent_score: float


@dataclass
class RoutingModel:
    features: Features
    departments: LogisticRegression
    kinds: LogisticRegression | None
    urgency: LogisticRegression | None
    trained_on: dict[str, int]

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        departments: Sequence[str],
        kinds: Sequence[str | None],
        urgent: Sequence[bool],
    ) -> RoutingModel:
        features = Features()
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
        counts: dict[str, int] = {}
        for department in departments:
            counts[department] = counts.get(department, 0) + 1
        return cls(features, department_model, kind_model, urgent_model, counts)

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        matrix = self.features.transform(texts)
        probabilities = self.departments.predict_proba(matrix)
        classes = self.departments.classes_
        kinds = self.kinds.predict(matrix) if self.kinds is not None else [None] * len(texts)
        urgent = (
            self.urgency.predict_proba(matrix)[:, list(self.urgency.classes_).index(True)]
            if self.urgency is not None
            else np.zeros(len(texts))
        )
        predictions = []
        for row, kind, urgent_score in zip(probabilities, kinds, urgent, strict=True):
            order = np.argsort(-row)[:3]
            top3 = [(str(classes[i]), float(row[i])) for i in order]
            predictions.append(
                Prediction(
                    department=top3[0][0],
                    confidence=top3[0][1],
                    top3=top3,
                    kind=str(kind) if kind is not None else None,
                    urgent_score=float(urgent_score),
                )
            )
        return predictions

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]
