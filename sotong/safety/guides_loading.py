"""The action guides (행동요령) from JSON files, one per hazard (data/guides/<hazard>.json).

Every file is read and checked before anything is written, and the writes happen in one
transaction: a bad file is reported with its name and reason and nothing is loaded. Loading the
same files twice changes nothing.

The safety office edits guides in the back office. Each guide keeps a digest of the content as the
loader last wrote it (`ActionGuide.loaded_digest`); a guide whose content no longer matches that
digest was edited by hand, and a reload keeps it unless `update=True` (then the file wins).
Comparing content rather than setting a flag on save also catches edits made from the shell, and an
edit that is undone counts as no edit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction

from sotong.safety.choices import Audience, Hazard, Phase
from sotong.safety.models import ActionGuide, GuideStep

GUIDES_DIR = Path(__file__).resolve().parent / "data" / "guides"
LANGUAGES = ("ko", "en", "zh")
PHASE_ORDER = [Phase.BEFORE.value, Phase.DURING.value, Phase.AFTER.value]
TITLE_MAX = ActionGuide._meta.get_field("title_ko").max_length or 120
# The guide's own fields the files define (besides its hazard and steps).
CONTENT_FIELDS = (
    "title_ko",
    "title_en",
    "title_zh",
    "summary_ko",
    "summary_en",
    "summary_zh",
    "source",
    "sort_order",
)
SOURCE_MAX = ActionGuide._meta.get_field("source").max_length or 200


class Writer(Protocol):
    def write(self, text: str) -> Any: ...


class GuideDataError(Exception):
    """Files that cannot be loaded; ``problems`` lists each one as 'file: reason'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class StepData:
    phase: str
    audience: str
    text_ko: str
    text_en: str
    text_zh: str


@dataclass(frozen=True)
class GuideData:
    hazard: str
    sort_order: int
    title_ko: str
    title_en: str
    title_zh: str
    summary_ko: str
    summary_en: str
    summary_zh: str
    source: str
    steps: tuple[StepData, ...]

    def fields(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in CONTENT_FIELDS}


def read_guides(directory: Path = GUIDES_DIR) -> list[GuideData]:
    """Every guide file in ``directory``, checked; raises GuideDataError naming every problem."""
    problems: list[str] = []
    guides: list[GuideData] = []
    seen: dict[str, str] = {}
    files = sorted(directory.glob("*.json"))
    if not files:
        raise GuideDataError([f"{directory}: no guide files (*.json)"])
    for path in files:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path.name}: not readable JSON ({exc})")
            continue
        found: list[str] = []
        guide = _parse_guide(raw, found)
        problems += [f"{path.name}: {problem}" for problem in found]
        if guide is None:
            continue
        if guide.hazard in seen:
            problems.append(f"{path.name}: hazard {guide.hazard!r} is also in {seen[guide.hazard]}")
            continue
        seen[guide.hazard] = path.name
        guides.append(guide)
    if problems:
        raise GuideDataError(problems)
    return guides


def _texts(raw: dict[str, Any], key: str, problems: list[str], *, max_length: int | None = None) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, dict):
        problems.append(f"{key}: expected an object with ko, en and zh")
        return ["", "", ""]
    texts = []
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{key}.{lang}: missing or empty")
            text = ""
        elif max_length is not None and len(text.strip()) > max_length:
            problems.append(f"{key}.{lang}: longer than {max_length} characters")
        texts.append(text.strip() if isinstance(text, str) else "")
    return texts


def _parse_guide(raw: Any, problems: list[str]) -> GuideData | None:
    if not isinstance(raw, dict):
        problems.append("expected a JSON object")
        return None
    hazard = raw.get("hazard")
    if hazard not in Hazard.values:
        problems.append(f"unknown hazard {hazard!r}")
    sort_order = raw.get("sort_order", 0)
    if not isinstance(sort_order, int) or not 0 <= sort_order < 32768:
        problems.append(f"sort_order: expected a whole number from 0, got {sort_order!r}")
        sort_order = 0
    title = _texts(raw, "title", problems, max_length=TITLE_MAX)
    summary = _texts(raw, "summary", problems)
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append("source: missing or empty (name the official guidance it follows)")
        source = ""
    elif len(source.strip()) > SOURCE_MAX:
        problems.append(f"source: longer than {SOURCE_MAX} characters")
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        problems.append("steps: expected a non-empty list")
        steps_raw = []
    steps = []
    for number, step in enumerate(steps_raw, start=1):
        where = f"steps[{number}]"
        if not isinstance(step, dict):
            problems.append(f"{where}: expected an object")
            continue
        phase, audience = step.get("phase"), step.get("audience", Audience.EVERYONE.value)
        if phase not in Phase.values:
            problems.append(f"{where}: unknown phase {phase!r}")
        if audience not in Audience.values:
            problems.append(f"{where}: unknown audience {audience!r}")
        found: list[str] = []
        texts = _texts({"text": step}, "text", found)
        problems += [f"{where}: {p.removeprefix('text.')}" for p in found]
        steps.append(StepData(str(phase), str(audience), *texts))
    missing = [p for p in PHASE_ORDER if p not in {s.phase for s in steps}]
    if steps and missing:
        problems.append(f"steps: no step for phase {', '.join(missing)}")
    if problems:
        return None
    # Stored in phase order (before, during, after), each phase in the file's order.
    ordered = sorted(steps, key=lambda s: PHASE_ORDER.index(s.phase))
    return GuideData(
        hazard=str(hazard),
        sort_order=sort_order,
        title_ko=title[0],
        title_en=title[1],
        title_zh=title[2],
        summary_ko=summary[0],
        summary_en=summary[1],
        summary_zh=summary[2],
        source=source.strip(),
        steps=tuple(ordered),
    )


def content_digest(fields: dict[str, Any], steps: list[StepData] | tuple[StepData, ...]) -> str:
    """A digest of what a reader sees: the guide's texts and its steps in order."""
    canonical = json.dumps(
        {
            "fields": {key: fields[key] for key in sorted(fields)},
            "steps": [[s.phase, s.audience, s.text_ko, s.text_en, s.text_zh] for s in steps],
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stored_digest(guide: ActionGuide) -> str:
    """The digest of a guide as it is in the database now."""
    fields = {key: getattr(guide, key) for key in CONTENT_FIELDS}
    steps = [
        StepData(s.phase, s.audience, s.text_ko, s.text_en, s.text_zh)
        for s in guide.steps.order_by("sort_order", "pk")
    ]
    return content_digest(fields, steps)


def is_edited(guide: ActionGuide) -> bool:
    """Whether the guide was changed since the loader last wrote it (or was written by hand)."""
    return stored_digest(guide) != guide.loaded_digest


def load_guides(*, stdout: Writer | None = None, update: bool = False, directory: Path = GUIDES_DIR) -> int:
    """Create or update the guides from the files; returns how many guides were written.

    A guide edited in the back office is kept (and named on ``stdout``) unless ``update`` is true.
    """
    guides = read_guides(directory)
    written = 0
    with transaction.atomic():
        existing = {
            g.hazard: g
            for g in ActionGuide.objects.select_for_update().filter(hazard__in=[d.hazard for d in guides])
        }
        for data in guides:
            wanted = content_digest(data.fields(), data.steps)
            guide = existing.get(data.hazard)
            if guide is None:
                guide = ActionGuide.objects.create(hazard=data.hazard, loaded_digest=wanted, **data.fields())
                _write_steps(guide, data.steps)
                _say(stdout, f"created {data.hazard}")
                written += 1
                continue
            current = stored_digest(guide)
            if current == wanted:
                if guide.loaded_digest != wanted:
                    # Same content as the file (e.g. an edit undone): remember it as loaded.
                    ActionGuide.objects.filter(pk=guide.pk).update(loaded_digest=wanted)
                continue
            # No digest: the safety office wrote this guide by hand before anything was loaded.
            edited = current != guide.loaded_digest
            if edited and not update:
                _say(stdout, f"kept {data.hazard}: edited in the back office (update to replace it)")
                continue
            for key, value in data.fields().items():
                setattr(guide, key, value)
            guide.loaded_digest = wanted
            guide.save(update_fields=[*data.fields(), "loaded_digest", "updated_at"])
            guide.steps.all().delete()
            _write_steps(guide, data.steps)
            _say(stdout, f"updated {data.hazard}" + (" (replacing an edited guide)" if edited else ""))
            written += 1
    return written


def _write_steps(guide: ActionGuide, steps: tuple[StepData, ...]) -> None:
    GuideStep.objects.bulk_create(
        GuideStep(
            guide=guide,
            phase=s.phase,
            audience=s.audience,
            text_ko=s.text_ko,
            text_en=s.text_en,
            text_zh=s.text_zh,
            sort_order=order,
        )
        for order, s in enumerate(steps)
    )


def _say(stdout: Writer | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")
