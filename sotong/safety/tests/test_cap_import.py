"""Outside CAP documents become alerts: languages, areas, hazards, updates and cancellations; the same
document twice changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sotong.safety.cap.validate import CapError
from sotong.safety.models import Alert
from sotong.safety.selectors.alerts import banner_alerts
from sotong.safety.services.alert_import import cap_import

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures" / "cap"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_korean_alert_keeps_each_language_and_finds_our_dong(district: Any) -> None:
    alert = cap_import(data=read("sotong-kr-heavy-rain.cap"), origin="test").alert

    assert (alert.headline_ko, alert.headline_en, alert.headline_zh) == (
        "당산동 일대 호우경보",
        "Heavy rain warning for Dangsan",
        "堂山洞一带暴雨警报",
    )
    assert alert.instruction_zh == "请立即离开地下空间。"
    assert alert.hazard == "flood" and alert.severity == "Severe" and alert.event == "호우경보"
    assert {"type": "circle", "lat": 37.524, "lon": 126.899, "radius_m": 500.0} in alert.areas
    assert {"type": "geocode", "name": "KR-HJD", "value": "1156055000"} in alert.areas
    assert "dangsan1" in {d.code for d in alert.dongs.all()}
    assert "Avertissement de pluie forte" in alert.raw_xml  # other languages stay in the document
    assert alert.state == Alert.State.PUBLISHED


def test_an_alert_over_our_dongs_shows_in_the_banner_and_a_far_one_does_not(district: Any) -> None:
    cap_import(data=read("oasiscap-v1dot2_appendix_adot4.xml"), origin="test")
    near = cap_import(data=read("sotong-kr-heavy-rain.cap"), origin="test").alert

    assert [row["pk"] for row in banner_alerts()] == [near.pk]


def test_importing_the_same_document_again_changes_nothing(district: Any) -> None:
    first = cap_import(data=read("caplib-australia.cap"), origin="test")
    before = Alert.objects.values().get()

    again = cap_import(data=read("caplib-australia.cap"), origin="elsewhere")

    assert first.created and not again.created
    assert again.alert.pk == first.alert.pk
    assert Alert.objects.values().get() == before


def test_english_only_documents_fill_the_korean_headline_so_every_page_has_one(district: Any) -> None:
    alert = cap_import(data=read("oasiscap-v1dot2_appendix_adot4.xml"), origin="test").alert

    assert alert.headline_en == alert.headline_ko != ""
    assert "es-US" not in alert.headline_ko  # the Spanish block is not mistaken for Korean


def test_event_codes_and_names_map_to_our_hazards(district: Any) -> None:
    quake = cap_import(data=read("caplib-earthquake.cap"), origin="test").alert
    tsunami = cap_import(data=read("caplib-wcatwc-warning.cap"), origin="test").alert

    assert quake.hazard == "earthquake"
    assert tsunami.hazard == "tsunami"


def _retyped(data: bytes, *, msg_type: str, identifier: str, references: str) -> bytes:
    return (
        data.replace(b"<msgType>Alert</msgType>", f"<msgType>{msg_type}</msgType>".encode())
        .replace(
            b"<identifier>KR-TEST-20260715-0001</identifier>",
            f"<identifier>{identifier}</identifier><!-- -->".encode(),
        )
        .replace(
            b"<scope>Public</scope>", f"<scope>Public</scope><references>{references}</references>".encode()
        )
    )


def test_an_update_supersedes_the_alert_it_references_and_a_cancel_ends_it(district: Any) -> None:
    original = read("sotong-kr-heavy-rain.cap")
    first = cap_import(data=original, origin="test").alert
    ref = "alerts.example.go.kr,KR-TEST-20260715-0001,2026-07-15T10:00:00+09:00"

    update = cap_import(
        data=_retyped(original, msg_type="Update", identifier="KR-TEST-2", references=ref), origin="t"
    ).alert
    first.refresh_from_db()
    assert first.state == Alert.State.SUPERSEDED
    assert update.supersedes == first

    ref2 = "alerts.example.go.kr,KR-TEST-2,2026-07-15T10:00:00+09:00"
    cancel = cap_import(
        data=_retyped(original, msg_type="Cancel", identifier="KR-TEST-3", references=f"{ref} {ref2}"),
        origin="t",
    ).alert
    update.refresh_from_db()
    assert update.state == Alert.State.CANCELLED
    assert cancel.msg_type == "Cancel"
    assert banner_alerts() == []


def test_a_refused_document_stores_nothing(district: Any) -> None:
    with pytest.raises(CapError):
        cap_import(data=read("caplib-xee.cap"), origin="test")

    assert not Alert.objects.exists()
