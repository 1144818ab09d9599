"""기상청 특보 and 긴급재난문자 rows, as the public APIs publish them, become alerts for our district only."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sotong.safety.cap.adapters import (
    from_disaster_message,
    from_kma_code,
    from_kma_message,
    kma_regions,
    read_items,
)
from sotong.safety.models import Alert
from sotong.safety.services.alert_import import external_import

pytestmark = pytest.mark.django_db

CBS_RESPONSE = {
    "header": {"resultMsg": "NORMAL SERVICE", "resultCode": "00", "errorMsg": None},
    "numOfRows": 3,
    "pageNo": 1,
    "totalCount": 3,
    "body": [
        {
            "SN": "215001",
            "CRT_DT": "2026/07/15 09:12:33",
            "MSG_CN": "[영등포구] 도림천 수위 상승으로 산책로를 통제합니다. 하천 접근을 자제하세요.",
            "RCPTN_RGN_NM": "서울특별시 영등포구",
            "EMRG_STEP_NM": "긴급재난",
            "DST_SE_NM": "호우",
            "REG_YMD": "2026-07-15",
            "MDFCN_YMD": "2026-07-15",
        },
        {
            "SN": "215002",
            "CRT_DT": "2026/07/15 10:00:00",
            "MSG_CN": "[해운대구] 해안가 접근을 자제하세요.",
            "RCPTN_RGN_NM": "부산광역시 해운대구",
            "EMRG_STEP_NM": "안전안내",
            "DST_SE_NM": "태풍",
            "REG_YMD": "2026-07-15",
            "MDFCN_YMD": "2026-07-15",
        },
        {
            "SN": "215003",
            "CRT_DT": "2026/07/15 11:00:00",
            "MSG_CN": "[서울시] 폭염경보 발효 중. 무더위쉼터를 이용하세요.",
            "RCPTN_RGN_NM": "서울특별시 전체",
            "EMRG_STEP_NM": "안전안내",
            "DST_SE_NM": "폭염",
            "REG_YMD": "2026-07-15",
            "MDFCN_YMD": "2026-07-15",
        },
    ],
}

KMA_CODES_XML = """<?xml version="1.0" encoding="UTF-8"?>
<response><header><resultCode>00</resultCode><resultMsg>NORMAL_SERVICE</resultMsg></header>
<body><dataType>XML</dataType><items>
<item><areaCode>L1100400</areaCode><areaName>서울서남권</areaName><warnVar>2</warnVar><warnStress>1</warnStress>
<command>1</command><startTime>202607151000</startTime><endTime>0</endTime><tmFc>202607150930</tmFc><tmSeq>41</tmSeq><stnId>109</stnId></item>
<item><areaCode>L1100200</areaCode><areaName>서울동북권</areaName><warnVar>2</warnVar><warnStress>0</warnStress>
<command>1</command><startTime>202607151000</startTime><endTime>0</endTime><tmFc>202607150930</tmFc><tmSeq>41</tmSeq><stnId>109</stnId></item>
</items><numOfRows>10</numOfRows><pageNo>1</pageNo><totalCount>2</totalCount></body></response>
""".encode()


def test_a_disaster_message_for_our_district_covers_all_its_dongs(district: Any) -> None:
    rows = read_items(json.dumps(CBS_RESPONSE).encode())

    results = [external_import(item=from_disaster_message(row), origin="test") for row in rows]

    ours, busan, seoul = results
    assert busan is None  # another region: not stored
    assert ours is not None and seoul is not None
    alert = ours.alert
    assert alert.identifier == "CBS-215001" and alert.sender == "www.safetydata.go.kr"
    assert alert.severity == "Severe" and alert.urgency == "Immediate" and alert.hazard == "flood"
    assert alert.headline_ko.startswith("[긴급재난 호우] [영등포구] 도림천")
    assert alert.sent.isoformat() == "2026-07-15T09:12:33+09:00"
    assert alert.dongs.count() == district.dongs.count()
    assert seoul.alert.hazard == "heat" and seoul.alert.severity == "Minor"


def test_the_same_disaster_message_twice_is_stored_once(district: Any) -> None:
    row = CBS_RESPONSE["body"][0]
    external_import(item=from_disaster_message(row), origin="test")
    again = external_import(item=from_disaster_message(row), origin="test")

    assert again is not None and not again.created
    assert Alert.objects.count() == 1


def test_kma_warning_codes_for_our_zone_become_alerts_and_a_release_cancels_them(district: Any) -> None:
    ours, theirs = read_items(KMA_CODES_XML)

    warning = external_import(item=from_kma_code(ours), origin="test")
    assert external_import(item=from_kma_code(theirs), origin="test") is None
    assert warning is not None
    alert = warning.alert
    assert alert.event == "호우경보" and alert.severity == "Severe" and alert.hazard == "flood"
    assert alert.headline_ko == "[기상청] 서울서남권 호우경보 발표"

    release = dict(ours, command="2", tmFc="202607151530", tmSeq="44")
    cancel = external_import(item=from_kma_code(release), origin="test")

    assert cancel is not None and cancel.alert.msg_type == "Cancel"
    assert cancel.alert.references and cancel.alert.references[0].startswith(
        f"www.kma.go.kr,{alert.identifier},"
    )
    alert.refresh_from_db()
    assert alert.state == Alert.State.CANCELLED


def test_a_kma_bulletin_names_zones_in_brackets() -> None:
    assert kma_regions("o 호우경보 : 서울특별시(서울동남권, 서울서남권), 인천") == [
        "서울동남권",
        "서울서남권",
        "인천",
    ]


def test_a_kma_bulletin_for_another_seoul_zone_is_not_ours(district: Any) -> None:
    row = {
        "stnId": "109",
        "tmFc": "202607150930",
        "tmSeq": "41",
        "t1": "호우주의보 발표",
        "t2": "o 호우주의보 : 서울특별시(서울동북권)",
        "t3": "2026년 07월 15일 10시 00분",
        "t4": "시간당 30mm 이상의 강한 비",
    }
    assert external_import(item=from_kma_message(row), origin="test") is None

    row["t2"] = "o 호우주의보 : 서울특별시(서울동북권, 서울서남권)"
    result = external_import(item=from_kma_message(row), origin="test")
    assert result is not None and result.alert.severity == "Moderate"
    assert result.alert.effective is not None and result.alert.effective.hour == 10
