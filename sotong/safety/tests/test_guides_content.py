"""The shipped action guides: one per hazard, every phase, every language, plain and checkable."""

from __future__ import annotations

import re

import pytest

from sotong.safety.choices import Audience, Hazard, Phase
from sotong.safety.guides_loading import GuideData, read_guides
from sotong.safety.models import ActionGuide

GUIDES = {guide.hazard: guide for guide in read_guides()}


def _all_text(guide: GuideData) -> str:
    parts = [guide.title_ko, guide.summary_ko]
    parts += [step.text_ko for step in guide.steps]
    return "\n".join(parts)


def test_every_hazard_has_a_guide_file() -> None:
    assert set(GUIDES) == set(Hazard.values)


@pytest.mark.parametrize("hazard", Hazard.values)
def test_each_guide_has_every_phase_for_everyone_in_three_languages(hazard: str) -> None:
    guide = GUIDES[hazard]
    for field in ("title", "summary"):
        assert all(getattr(guide, f"{field}_{lang}").strip() for lang in ("ko", "en", "zh"))
    for phase in Phase.values:
        assert any(s.phase == phase and s.audience == Audience.EVERYONE for s in guide.steps), phase
    for step in guide.steps:
        assert step.text_ko.strip() and step.text_en.strip() and step.text_zh.strip()
        # Each language in its own script: no Korean left in the English or Chinese text except
        # the Korean names residents will see on signs (e.g. 무더위쉼터), given in brackets.
        assert re.search(r"[가-힣]", re.sub(r"\([^)]*\)", "", step.text_en)) is None, step.text_en
        assert re.search(r"[가-힣]", re.sub(r"（[^）]*）", "", step.text_zh)) is None, step.text_zh
    assert 8 <= len(guide.steps) <= 15
    assert guide.source.strip()


@pytest.mark.parametrize("hazard", Hazard.values)
def test_no_phone_number_but_the_national_ones(hazard: str) -> None:
    text = " ".join(f"{s.text_ko} {s.text_en} {s.text_zh}" for s in GUIDES[hazard].steps) + " ".join(
        [GUIDES[hazard].summary_ko, GUIDES[hazard].summary_en, GUIDES[hazard].summary_zh]
    )
    numbers = set(re.findall(r"\b1\d{2,3}\b|\d{2,4}-\d{3,4}-\d{4}", text))
    assert numbers <= {"119", "112", "120"}, numbers


def test_the_earthquake_guide_says_table_stairs_and_open_space() -> None:
    text = _all_text(GUIDES[Hazard.EARTHQUAKE])
    for must in ("탁자 아래", "가스와 전기", "계단", "넓은 곳"):
        assert must in text


def test_only_the_air_raid_guide_sends_residents_underground() -> None:
    assert "지하 민방위 대피소" in GUIDES[Hazard.AIR_RAID].summary_ko
    for hazard in (Hazard.FLOOD, Hazard.TYPHOON):
        for step in GUIDES[hazard].steps:
            if step.phase == Phase.DURING and "지하" in step.text_ko:
                # While it rains, underground spaces are named only to be left or avoided.
                assert re.search(r"나와|들어가지 않|가지 않", step.text_ko), step.text_ko
        assert "높은 곳" in _all_text(GUIDES[hazard])


def test_pet_owners_learn_that_most_shelters_do_not_take_pets() -> None:
    for hazard in (Hazard.EARTHQUAKE, Hazard.FLOOD, Hazard.TYPHOON, Hazard.AIR_RAID):
        pet = [s for s in GUIDES[hazard].steps if s.audience == Audience.PET]
        assert pet and "반려동물을 받지 않습니다" in pet[0].text_ko and "보조견" in pet[0].text_ko


@pytest.mark.django_db
def test_the_loaded_guides_show_their_steps_in_phase_order() -> None:
    from sotong.safety.guides_loading import load_guides

    load_guides()
    guide = ActionGuide.objects.get(hazard=Hazard.FLOOD)
    phases = [s.phase for s in guide.steps.order_by("sort_order")]
    assert phases == sorted(phases, key=[Phase.BEFORE, Phase.DURING, Phase.AFTER].index)
    assert ActionGuide.objects.count() == len(Hazard.values)
