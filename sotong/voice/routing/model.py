"""The routing model: which department, what kind, how urgent.

Features are TF-IDF over content morphemes (Kiwi for Korean, words for English, characters and
character pairs for Chinese) with neighbouring pairs, and over character n-grams of the raw text
(spelling variants, typos, endings). Departments and kinds come from linear SVMs, which train in a
second where logistic regression over 48 classes took minutes; the department margins go through a
softmax with a temperature fitted by cross-validation, so the confidence is a probability the
routing threshold can rely on. The department model also sees which urgency rules fired (their
owners are in the departments' handles). Kind and urgency see the text only; urgency is a
class-weighted logistic regression, because the few urgent messages must not drown, and it stays
a safety net for what the rules miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from sotong.voice.routing import urgent as urgent_rules
from sotong.voice.routing.params import Params
from sotong.voice.routing.text import analyse, word_features


def _identity(values: list[str]) -> list[str]:
    return values


def rule_matrix(texts: Sequence[str], reasons: Sequence[str]) -> csr_matrix:
    """One column per urgency rule known at training time: 1 where it fires. A rule added since is
    left out, so a saved model keeps working when the rules change."""
    column = {reason: i for i, reason in enumerate(reasons)}
    rows = [[column[r] for r in urgent_rules.detect(text).reasons if r in column] for text in texts]
    data = np.ones(sum(len(r) for r in rows))
    indices = np.array([i for r in rows for i in r], dtype=np.int32)
    indptr = np.cumsum([0, *[len(r) for r in rows]])
    return csr_matrix((data, indices, indptr), shape=(len(texts), len(reasons)))


@dataclass
class Features:
    words: TfidfVectorizer = field(
        default_factory=lambda: TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1)
    )
    chars: TfidfVectorizer = field(
        default_factory=lambda: TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True, min_df=2
        )
    )
    rules: bool = False
    rule_reasons: tuple[str, ...] = ()

    @classmethod
    def for_params(cls, params: Params) -> Features:
        return cls(
            chars=TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=params.char_range,
                sublinear_tf=True,
                min_df=params.char_min_df,
            ),
            rules=params.rule_features,
        )

    @staticmethod
    def _words(texts: Sequence[str]) -> list[list[str]]:
        return [word_features(morphemes) for morphemes in analyse(texts)]

    def _with_rules(self, text_matrix: csr_matrix, texts: Sequence[str]) -> csr_matrix:
        if not self.rules:
            return text_matrix
        return hstack([text_matrix, rule_matrix(texts, self.rule_reasons)]).tocsr()

    @property
    def text_columns(self) -> int:
        """The columns that come from the text alone (the urgency model sees only these)."""
        return len(self.words.vocabulary_) + len(self.chars.vocabulary_)

    def fit_transform(self, texts: Sequence[str]) -> csr_matrix:
        self.rule_reasons = urgent_rules.REASONS if self.rules else ()
        text_matrix = hstack([self.words.fit_transform(self._words(texts)), self.chars.fit_transform(texts)])
        return self._with_rules(text_matrix.tocsr(), texts)

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        text_matrix = hstack([self.words.transform(self._words(texts)), self.chars.transform(texts)])
        return self._with_rules(text_matrix.tocsr(), texts)


@dataclass(frozen=True)
class Prediction:
    department: str
    confidence: float
    top3: list[tuple[str, float]]
    kind: str | None
    urgent_score: float


def softmax(margins: np.ndarray, temperature: float) -> np.ndarray:
    scaled = margins / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return result


@dataclass
class RoutingModel:
    features: Features
    departments: LinearSVC
    kinds: LinearSVC | None
    urgency: LogisticRegression | None
    trained_on: dict[str, int]
    params: Params = field(default_factory=Params)

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        departments: Sequence[str],
        kinds: Sequence[str | None],
        urgent: Sequence[bool],
        params: Params | None = None,
    ) -> RoutingModel:
        params = params or Params()
        features = Features.for_params(params)
        matrix = features.fit_transform(texts)
        department_model = LinearSVC(C=params.department_c, random_state=0).fit(matrix, list(departments))
        # Kind and urgency see the text only; the urgency model is the safety net for what the rules miss.
        text_only = matrix[:, : features.text_columns]
        kind_rows = [i for i, kind in enumerate(kinds) if kind]
        kind_model = (
            LinearSVC(C=params.kind_c, random_state=0).fit(
                text_only[kind_rows], [kinds[i] for i in kind_rows]
            )
            if len({kinds[i] for i in kind_rows}) > 1
            else None
        )
        urgent_model = (
            LogisticRegression(C=params.urgent_c, max_iter=2000, class_weight="balanced").fit(
                text_only, list(urgent)
            )
            if any(urgent) and not all(urgent)
            else None
        )
        counts: dict[str, int] = {}
        for department in departments:
            counts[department] = counts.get(department, 0) + 1
        return cls(features, department_model, kind_model, urgent_model, counts, params)

    def department_probabilities(self, matrix: csr_matrix) -> np.ndarray:
        return softmax(self.departments.decision_function(matrix), self.params.temperature)

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        matrix = self.features.transform(texts)
        probabilities = self.department_probabilities(matrix)
        classes = self.departments.classes_
        text_only = matrix[:, : self.features.text_columns]
        kinds = self.kinds.predict(text_only) if self.kinds is not None else [None] * len(texts)
        urgent = (
            self.urgency.predict_proba(text_only)[:, list(self.urgency.classes_).index(True)]
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
