"""Loading the action guides: idempotent, all or nothing, and it keeps the safety office's edits."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sotong.safety.guides_loading import GUIDES_DIR, GuideDataError, is_edited, load_guides
from sotong.safety.models import ActionGuide, GuideStep

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[object, ...]]:
    guides = list(ActionGuide.objects.values_list("pk", "hazard", "title_ko", "updated_at", "loaded_digest"))
    steps = list(GuideStep.objects.order_by("pk").values_list("pk", "guide_id", "phase", "text_ko"))
    return [*guides, *steps]


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "guides"
    shutil.copytree(GUIDES_DIR, folder)
    return folder


def _rewrite(path: Path, change: dict[str, object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_it_loads_a_guide_for_every_file() -> None:
    written = load_guides()
    assert written == len(list(GUIDES_DIR.glob("*.json")))
    quake = ActionGuide.objects.get(hazard="earthquake")
    assert quake.title_ko == "지진 행동요령" and quake.title_en and quake.title_zh
    assert quake.steps.count() >= 8
    assert not is_edited(quake)


def test_loading_twice_changes_nothing() -> None:
    load_guides()
    before = _snapshot()
    out = io.StringIO()
    assert load_guides(stdout=out) == 0
    assert _snapshot() == before
    assert out.getvalue() == ""


def test_a_changed_file_updates_a_guide_nobody_edited(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    load_guides(directory=folder)
    _rewrite(folder / "heat.json", {"title": {"ko": "폭염 대비", "en": "Heat", "zh": "酷暑"}})
    out = io.StringIO()
    assert load_guides(directory=folder, stdout=out) == 1
    assert ActionGuide.objects.get(hazard="heat").title_ko == "폭염 대비"
    assert "updated heat" in out.getvalue()


def test_a_guide_the_safety_office_edited_is_kept_by_a_reload(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    load_guides(directory=folder)
    flood = ActionGuide.objects.get(hazard="flood")
    step = flood.steps.order_by("sort_order").first()
    assert step is not None
    step.text_ko = "우리 구 침수 취약 지역 주민은 동 주민센터 안내를 따릅니다."
    step.save(update_fields=["text_ko"])
    assert is_edited(flood)
    _rewrite(folder / "flood.json", {"source": "새 출처"})
    out = io.StringIO()

    assert load_guides(directory=folder, stdout=out) == 0

    flood.refresh_from_db()
    assert flood.source != "새 출처"
    assert flood.steps.filter(text_ko__startswith="우리 구 침수").exists()
    assert "kept flood" in out.getvalue()


def test_update_replaces_an_edited_guide_with_the_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    load_guides(directory=folder)
    ActionGuide.objects.filter(hazard="cold").update(summary_ko="직접 고친 요약")

    assert load_guides(directory=folder, update=True) == 1

    cold = ActionGuide.objects.get(hazard="cold")
    assert cold.summary_ko != "직접 고친 요약"
    assert not is_edited(cold)


def test_a_guide_written_by_hand_before_any_load_is_kept() -> None:
    ActionGuide.objects.create(hazard="power_outage", title_ko="정전 때는", summary_ko="구청 안내")

    load_guides()

    guide = ActionGuide.objects.get(hazard="power_outage")
    assert guide.title_ko == "정전 때는" and not guide.steps.exists()
    assert ActionGuide.objects.count() == 12


def test_an_edit_that_is_undone_counts_as_no_edit() -> None:
    load_guides()
    fire = ActionGuide.objects.get(hazard="fire")
    original = fire.title_ko
    ActionGuide.objects.filter(pk=fire.pk).update(title_ko="바꿈")
    ActionGuide.objects.filter(pk=fire.pk).update(title_ko=original)
    fire.refresh_from_db()
    assert not is_edited(fire)


def test_a_bad_file_loads_nothing_and_names_the_problem(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _rewrite(folder / "typhoon.json", {"hazard": "meteor"})
    steps = json.loads((folder / "heat.json").read_text(encoding="utf-8"))
    steps["steps"] = [s for s in steps["steps"] if s["phase"] != "after"]
    steps["steps"][0]["zh"] = ""
    (folder / "heat.json").write_text(json.dumps(steps, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(GuideDataError) as raised:
        load_guides(directory=folder)

    problems = "\n".join(raised.value.problems)
    assert "typhoon.json: unknown hazard 'meteor'" in problems
    assert "heat.json: steps[1]: zh: missing or empty" in problems
    assert "heat.json: steps: no step for phase after" in problems
    assert not ActionGuide.objects.exists()


def test_the_command_reports_what_it_did_and_refuses_bad_files(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("load_action_guides", stdout=out)
    assert "12 guides created or updated." in out.getvalue()
    ActionGuide.objects.filter(hazard="gas_leak").update(title_ko="가스 냄새가 날 때")
    out = io.StringIO()
    call_command("load_action_guides", stdout=out)
    assert "kept gas_leak" in out.getvalue() and "0 guides created or updated." in out.getvalue()
    call_command("load_action_guides", "--update", stdout=io.StringIO())
    assert ActionGuide.objects.get(hazard="gas_leak").title_ko == "가스 누출 행동요령"

    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "x.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_action_guides", "--path", str(folder))
