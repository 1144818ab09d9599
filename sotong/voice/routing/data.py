"""Training data for routing: the labelled corpus (minus its held-out split), what each department
says it handles, and officers' corrections of real cases."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from sotong.organisation.models import split_handles

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ORGANISATION_DATA = Path(__file__).resolve().parents[2] / "organisation" / "data"
CORPUS = DATA_DIR / "voice_train.jsonl"
HELDOUT = DATA_DIR / "heldout_ids.txt"


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    department: str
    kind: str | None
    urgent: bool
    source: str  # corpus, handles, synthetic, correction


def normalised(text: str) -> str:
    """Text compared for sameness: case, spacing and punctuation do not count."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def heldout_ids() -> set[str]:
    lines = HELDOUT.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def corpus() -> list[Example]:
    examples = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        examples.append(
            Example(
                row["id"], row["text"], row["department"], row.get("kind"), bool(row.get("urgent")), "corpus"
            )
        )
    return examples


def split() -> tuple[list[Example], list[Example]]:
    """(training, held-out). The held-out part is fixed in heldout_ids.txt and never trained on."""
    held = heldout_ids()
    rows = corpus()
    return [e for e in rows if e.id not in held], [e for e in rows if e.id in held]


def handles_examples() -> list[Example]:
    """Each item a department says it handles, in Korean, English and Chinese, is a short example."""
    examples: list[Example] = []
    translations: dict[str, dict[str, str]] = {}
    i18n = ORGANISATION_DATA / "departments_i18n.csv"
    if i18n.exists():
        translations = {
            row["code"]: row for row in csv.DictReader(i18n.read_text(encoding="utf-8").splitlines())
        }
    for row in csv.DictReader(
        (ORGANISATION_DATA / "departments.csv").read_text(encoding="utf-8").splitlines()
    ):
        code = row["code"]
        texts = [*split_handles(row["handles_ko"])]
        extra = translations.get(code, {})
        texts += split_handles(extra.get("handles_en", "")) + split_handles(extra.get("handles_zh", ""))
        for n, text in enumerate(texts):
            examples.append(Example(f"handles:{code}:{n}", text, code, None, False, "handles"))
    return examples


def synthetic_examples() -> list[Example]:
    """Messages written for training (data/synthetic/*.jsonl), never copied from the held-out split."""
    examples: list[Example] = []
    for path in sorted((DATA_DIR / "synthetic").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                row = json.loads(line)
                examples.append(
                    Example(
                        f"{path.stem}:{n}",
                        row["text"],
                        row["department"],
                        row.get("kind"),
                        bool(row.get("urgent")),
                        "synthetic",
                    )
                )
    return examples
