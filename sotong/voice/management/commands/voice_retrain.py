"""Retrain the routing model from the training data and officers' corrections, show how it does on the
held-out split, then save it (every process picks up the new file at its next routing)."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from sotong.voice import routing
from sotong.voice.routing import evaluation


def _row(name: str, report: evaluation.Report) -> list[str]:
    return [
        name,
        f"{report.top1:.1%}",
        f"{report.top3:.1%}",
        f"{report.urgent_recall:.1%} ({report.urgent_total})",
        f"{report.urgent_precision:.1%}",
        f"{report.kind_accuracy:.1%}",
        f"{report.direct_share:.1%}",
        str(report.examples),
    ]


def table(rows: list[list[str]]) -> str:
    header = [
        "model",
        "top-1",
        "top-3",
        "urgent recall (n)",
        "urgent precision",
        "kind acc.",
        "direct",
        "examples",
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


# How much worse (top-1 on the held-out split) a retrained model may be and still replace the current.
WORSE_BY = 0.02


class Command(BaseCommand):
    help = (
        "Retrain the routing model (training data + officers' corrections), evaluate it on the held-out "
        "split, save it and reload it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="train and evaluate only: keep the current model"
        )
        parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
        parser.add_argument(
            "--no-corrections", action="store_true", help="leave officers' corrections out of training"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="save the retrained model even when it routes worse than the current one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        corrections = not options["no_corrections"]
        examples = routing.training_examples(corrections=corrections)
        sources = dict(sorted(Counter(e.source for e in examples).items()))
        rows: list[list[str]] = []
        result: dict[str, Any] = {"training_examples": sources, "threshold": routing.RECOMMENDED_THRESHOLD}

        current = None
        path = routing.model_path()
        if path.exists():
            current = evaluation.evaluate(routing.get_model())
            rows.append(_row("current", current))
            result["current"] = current.as_dict()

        started = time.perf_counter()
        model = routing.train(corrections=corrections)
        seconds = time.perf_counter() - started
        report = evaluation.evaluate(model)
        rows.append(_row("retrained", report))
        result.update(retrained=report.as_dict(), train_seconds=round(seconds, 2))

        self.stdout.write(f"Routing on the held-out split ({report.examples} messages, never trained on):")
        self.stdout.write(table(rows))
        self.stdout.write(
            f"'direct' is the share at or above confidence {routing.RECOMMENDED_THRESHOLD}, "
            "the rest goes to the triage queue."
        )
        self.stdout.write(
            "Training examples by source: "
            + ", ".join(f"{source} {count}" for source, count in sources.items())
            + f" (total {len(examples)}); trained in {seconds:.1f} s."
        )

        # A retrain that routes clearly worse (bad corrections, say) does not replace the current model.
        worse = current is not None and report.top1 < current.top1 - WORSE_BY
        if options["dry_run"]:
            self.stdout.write("Dry run: the current model is kept.")
            result["saved"] = None
        elif worse and not options["force"]:
            self.stdout.write(
                self.style.WARNING(
                    f"The retrained model routes worse (top-1 {report.top1:.1%} against {current.top1:.1%}): "  # type: ignore[union-attr]
                    "the current model is kept. Use --force to replace it anyway."
                )
            )
            result["saved"] = None
        else:
            saved = routing.save(model)
            routing.reload_model()
            result["saved"] = str(saved)
            self.stdout.write(self.style.SUCCESS(f"Saved {saved} and reloaded it."))

        if options["json"]:
            options["json"].parent.mkdir(parents=True, exist_ok=True)
            options["json"].write_text(
                json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            self.stdout.write(f"Figures written to {options['json']}.")
