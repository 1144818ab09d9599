"""services_sync.sync_merge: a device's places and household merged into the account, the later change
winning place by place, deletions as tombstones, stored encrypted; bad input changes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from sotong.safety.models import SyncAccount, SyncPlace
from sotong.safety.selectors.sync import sync_state
from sotong.safety.services.sync import MAX_PLACES, TOMBSTONE_DAYS, SyncInvalid, email_digest, sync_merge
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def when(minutes: int = 0) -> str:
    return (timezone.now() + timedelta(minutes=minutes)).isoformat()


def place(uid: str | None = None, *, minutes: int = -10, **fields: Any) -> dict[str, Any]:
    item = {
        "id": uid or str(uuid.uuid4()),
        "updated_at": when(minutes),
        "label": "home",
        "address": "당산로 123",
        "dong": "dangsan1",
        "lat": 37.5241,
        "lon": 126.8991,
    }
    item.update(fields)
    return item


@pytest.fixture
def account(district: Any) -> SyncAccount:
    return SyncAccount.objects.create(email_digest=email_digest("minji@example.com"))


def state(account: SyncAccount) -> dict[str, Any]:
    account.refresh_from_db()
    return sync_state(account=account)


def live(account: SyncAccount) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in state(account)["places"] if not p["deleted"]}


def test_two_devices_adding_different_places_both_keep_them(account: SyncAccount) -> None:
    phone, laptop = place(label="home"), place(label="work", dong="yeoui", lat=37.5253, lon=126.9259)
    sync_merge(account=account, places=[phone])
    sync_merge(account=account, places=[laptop])
    assert set(live(account)) == {phone["id"], laptop["id"]}


def test_the_later_edit_of_one_place_wins_whichever_device_syncs_last(account: SyncAccount) -> None:
    uid = str(uuid.uuid4())
    sync_merge(account=account, places=[place(uid, minutes=-1, address="새 주소")])
    # The other device's older edit arrives later (it was offline): the newer one stays.
    sync_merge(account=account, places=[place(uid, minutes=-30, address="옛 주소")])
    assert live(account)[uid]["address"] == "새 주소"


def test_a_deletion_is_a_tombstone_that_beats_an_older_edit_but_not_a_newer_one(account: SyncAccount) -> None:
    uid = str(uuid.uuid4())
    sync_merge(account=account, places=[place(uid, minutes=-20)])
    sync_merge(account=account, places=[{"id": uid, "updated_at": when(-5), "deleted": True}])
    sync_merge(account=account, places=[place(uid, minutes=-10, address="오프라인에서 고친 주소")])
    places = state(account)["places"]
    assert places == [{"id": uid, "updated_at": places[0]["updated_at"], "deleted": True}]
    sync_merge(account=account, places=[place(uid, minutes=-1, address="다시 저장")])
    assert live(account)[uid]["address"] == "다시 저장"


def test_old_tombstones_are_forgotten(account: SyncAccount) -> None:
    uid = uuid.uuid4()
    SyncPlace.objects.create(
        account=account, uid=uid, deleted=True, updated_at=timezone.now() - timedelta(days=TOMBSTONE_DAYS + 1)
    )
    sync_merge(account=account, places=[])
    assert not SyncPlace.objects.filter(uid=uid).exists()


def test_a_device_clock_far_ahead_does_not_win_for_ever(account: SyncAccount) -> None:
    uid = str(uuid.uuid4())
    sync_merge(account=account, places=[place(uid, minutes=60 * 24 * 365, address="미래")])
    stored = SyncPlace.objects.get(uid=uid).updated_at
    assert stored <= timezone.now() + timedelta(minutes=2)


def test_places_and_household_are_encrypted_at_rest(account: SyncAccount) -> None:
    sync_merge(
        account=account,
        places=[place(address="당산로 123")],
        household={"value": ["disability", "elderly"], "updated_at": when(-1)},
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM safety_syncplace")
        (data,) = cursor.fetchone()
        cursor.execute("SELECT household FROM safety_syncaccount")
        (household,) = cursor.fetchone()
    assert "당산로" not in data and "37.52" not in data
    assert "disability" not in household
    assert state(account)["household"]["value"] == ["disability", "elderly"]


def test_the_later_household_wins(account: SyncAccount) -> None:
    sync_merge(account=account, household={"value": ["pet"], "updated_at": when(-1)})
    sync_merge(account=account, household={"value": ["infant"], "updated_at": when(-10)})
    assert state(account)["household"]["value"] == ["pet"]
    # A device that never touched its household says nothing about it.
    sync_merge(account=account, household={"value": [], "updated_at": None})
    assert state(account)["household"]["value"] == ["pet"]


@pytest.mark.parametrize(
    "bad",
    [
        [place(lat=35.1, lon=129.0)],  # Busan: outside the district
        [place(dong="gangnam")],
        [place(lat="north")],
        [place(updated_at="yesterday")],
        [place(updated_at="2025-01-01T00:00:00")],  # no time zone
        [{"id": "not-a-uuid", "updated_at": when(), "lat": 37.5, "lon": 126.9}],
        ["home"],
        {"places": "all"},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(account: SyncAccount, bad: Any) -> None:
    kept = place()
    sync_merge(account=account, places=[kept])
    with pytest.raises(SyncInvalid):
        sync_merge(account=account, places=[place(), *bad] if isinstance(bad, list) else bad)
    assert list(live(account)) == [kept["id"]]


def test_a_bad_household_is_refused_and_changes_nothing(account: SyncAccount) -> None:
    with pytest.raises(SyncInvalid):
        sync_merge(
            account=account, places=[place()], household={"value": ["astronaut"], "updated_at": when()}
        )
    assert not SyncPlace.objects.exists()


def test_more_places_than_the_account_keeps_are_refused_whole(account: SyncAccount) -> None:
    sync_merge(account=account, places=[place() for _ in range(MAX_PLACES)])
    with pytest.raises(SyncInvalid, match="10곳까지"):
        sync_merge(account=account, places=[place()])
    assert len(live(account)) == MAX_PLACES


def test_one_account_never_sees_anothers_places(account: SyncAccount) -> None:
    other = SyncAccount.objects.create(email_digest=email_digest("junho@example.com"))
    sync_merge(account=other, places=[place(address="준호의 집")])
    same_id = state(other)["places"][0]["id"]
    # Even sending the other account's place id creates a separate place of one's own.
    sync_merge(account=account, places=[place(same_id, minutes=-1, address="민지의 집")])
    assert json.dumps(state(account)).count("준호") == 0
    assert live(other)[same_id]["address"] == "준호의 집"
