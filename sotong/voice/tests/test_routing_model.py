"""The routing model: what it trains on, where it sends clear messages, and the shape of its answer."""

from __future__ import annotations

import functools
import io
import json
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sotong.voice import routing
from sotong.voice.routing import data
from sotong.voice.routing.model import RoutingModel

TRAINING_SECONDS: list[float] = []


@functools.cache
def trained_model() -> RoutingModel:
    """One model per test session (without officers' corrections, so no database is needed)."""
    started = time.perf_counter()
    model = routing.train(corrections=False)
    TRAINING_SECONDS.append(time.perf_counter() - started)
    return model


@pytest.fixture
def model() -> RoutingModel:
    return trained_model()


def test_the_held_out_ids_are_never_in_the_training_examples() -> None:
    held = data.heldout_ids()
    examples = routing.training_examples(corrections=False)
    assert len(held) == 141
    assert not held & {e.id for e in examples}
    held_texts = {data.normalised(e.text) for e in data.split()[1]}
    assert not held_texts & {data.normalised(e.text) for e in examples}


def test_no_written_example_repeats_a_held_out_message() -> None:
    held_texts = {data.normalised(e.text) for e in data.split()[1]}
    written = data.synthetic_examples()
    assert len(written) > 40 * 48 * 0.9
    assert not [e.id for e in written if data.normalised(e.text) in held_texts]


def test_every_department_has_written_examples_with_valid_labels() -> None:
    codes = {e.department for e in data.handles_examples()}
    written = data.synthetic_examples()
    assert {e.department for e in written} == codes
    assert {e.kind for e in written} <= {"report", "question", "complaint", "proposal", "praise"}
    for code in codes:
        assert sum(e.department == code for e in written) >= 40, code


CLEAR = [
    ("우리 집 앞 골목에 누가 스티커도 없이 장롱이랑 소파를 버리고 갔어요", "cleaning"),
    ("냉장고 폐가전 무상 방문수거 예약은 어떻게 하나요?", "recycling"),
    ("아파트 단지 앞 이면도로에 승용차가 매일 불법주차를 해요. 단속해 주세요", "parking"),
    ("번호판 떼인 채 녹슨 승합차가 우리 골목에 석 달째 방치돼 있어요", "traffic"),
    ("옆 공사장 굴착기 소음이 새벽 6시부터 시작돼요", "env"),
    ("옆 건물 해체공사 진동 때문에 우리 집 벽에 금이 가기 시작했어요", "building"),
    ("골목 하수구에서 올라오는 악취 때문에 창문을 못 열어요", "water"),
    ("1층 숯불갈비집 연기랑 냄새가 빌라 전체로 들어와요", "env"),
    ("차도 한복판에 포트홀이 생겨서 타이어가 찢어질 뻔했어요", "roads"),
    ("어린이공원 시소 손잡이가 빠져 있어요", "parks"),
    ("재산세 고지서의 과세 면적이 실제와 달라요", "tax1"),
    ("자동차세 체납 때문에 번호판이 영치됐어요", "tax2"),
    ("국공립 어린이집 입소 대기 순번은 어디서 확인하나요?", "childcare"),
    ("기초연금 신청은 만 65세 생일 전에 해도 되나요?", "senior"),
    ("여권 재발급을 구청 민원실에서 받을 수 있나요?", "civil"),
    ("식당 찌개에서 철수세미 조각이 나왔어요", "hygiene"),
    ("상가 건물 돌출 간판 설치 허가는 어디에 신청해요?", "design"),
    ("The streetlight outside my building has been dark for a week.", "roads"),
    ("Where can I take free Korean language classes as a foreign resident?", "foreign"),
    ("我想申请大件垃圾回收，旧衣柜怎么扔？", "recycling"),
    ("附近工地每天早上六点就很吵，施工噪音太大了", "env"),
]


@pytest.mark.parametrize(("text", "department"), CLEAR)
def test_it_routes_a_clear_message_to_the_department_that_handles_it(
    model: RoutingModel, text: str, department: str
) -> None:
    assert model.predict(text).department == department


def test_top3_has_three_distinct_departments_with_descending_confidences(model: RoutingModel) -> None:
    for prediction in model.predict_many([text for text, _ in CLEAR] + ["", "??", "ㅋㅋㅋ"]):
        departments = [d for d, _ in prediction.top3]
        confidences = [p for _, p in prediction.top3]
        assert len(set(departments)) == 3
        assert confidences == sorted(confidences, reverse=True)
        assert 0 < sum(confidences) <= 1 + 1e-9
        assert prediction.department == departments[0]
        assert prediction.confidence == confidences[0]
        assert prediction.kind in {"report", "question", "complaint", "proposal", "praise"}
        assert 0 <= prediction.urgent_score <= 1


def test_it_is_confident_on_clear_messages_and_not_on_noise(model: RoutingModel) -> None:
    clear = [model.predict(text).confidence for text, _ in CLEAR]
    noise = [model.predict(text).confidence for text in ["안녕하세요", "ㅋㅋㅋ", "네"]]
    assert statistics.median(clear) >= routing.RECOMMENDED_THRESHOLD
    assert max(noise) < routing.RECOMMENDED_THRESHOLD


def test_it_guesses_the_kind_of_message(model: RoutingModel) -> None:
    assert model.predict("여권 발급은 며칠 걸리나요?").kind == "question"
    assert model.predict("구청 체육센터 수영 강사님 정말 친절하세요 감사합니다").kind == "praise"
    assert model.predict("공원에 그늘막을 더 설치해 주시면 좋겠어요").kind == "proposal"


def test_it_trains_in_under_30_seconds_and_predicts_in_under_20_ms(model: RoutingModel) -> None:
    assert TRAINING_SECONDS and TRAINING_SECONDS[0] < 30
    model.predict("워밍업")
    times = []
    for n in range(30):
        started = time.perf_counter()
        model.predict(f"집 앞 보도블록이 {n}개나 깨져 있어요")
        times.append((time.perf_counter() - started) * 1000)
    assert statistics.median(times) < 20


def test_a_saved_model_loads_and_predicts_the_same(
    model: RoutingModel, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(routing, "_model", None)
    monkeypatch.setattr(routing, "_model_mtime", None)
    path = routing.save(model)
    assert path == tmp_path / "models" / f"routing-v{routing.MODEL_VERSION}.joblib"
    loaded = routing.get_model()
    assert loaded is not model
    text = "맨홀 뚜껑이 덜컹거려요"
    assert loaded.predict(text) == model.predict(text)


def test_route_text_gives_the_prediction_and_the_urgency(
    model: RoutingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routing, "_model", model)
    monkeypatch.setattr(routing, "_model_mtime", None)
    result = routing.route_text("지하 노래방 계단으로 검은 연기가 올라와요 안에 사람들이 있어요")
    assert result.urgent and result.life_risk
    assert "화재" in result.urgent_reasons
    calm = routing.route_text("구립도서관 희망도서 신청은 어떻게 하나요?")
    assert not calm.urgent and not calm.life_risk
    assert calm.prediction.department == "edu"


def test_voice_retrain_dry_run_prints_the_table_and_keeps_the_model(
    db: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("voice_retrain", "--dry-run", "--json", str(tmp_path / "report.json"), stdout=out)
    text = out.getvalue()
    for column in ("top-1", "top-3", "urgent recall", "urgent precision", "kind acc.", "examples"):
        assert column in text
    assert "retrained" in text and "corpus 587" in text and "synthetic" in text
    assert "Dry run" in text
    assert not routing.model_path().exists()
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["saved"] is None
    assert report["retrained"]["examples"] == 141
    assert report["training_examples"]["corpus"] == 587


def test_voice_retrain_saves_and_reloads_the_model(
    db: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATA_DIR = tmp_path
    stale = trained_model()
    monkeypatch.setattr(routing, "_model", stale)
    monkeypatch.setattr(routing, "_model_mtime", None)
    out = io.StringIO()
    call_command("voice_retrain", stdout=out)
    assert routing.model_path().exists()
    assert "Saved" in out.getvalue()
    assert routing.get_model() is not stale


def test_a_trained_model_keeps_working_when_an_urgency_rule_is_added(
    model: RoutingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sotong.voice.routing import urgent

    before = model.predict("빗물받이가 막혀서 물이 안 빠져요")
    monkeypatch.setattr(
        urgent, "detect", lambda text: urgent.Urgency(urgent=True, life_risk=False, reasons=("새 규칙",))
    )
    after = model.predict("빗물받이가 막혀서 물이 안 빠져요")
    assert after.department == before.department == "water"
