from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from django.db import connection

from sotong.core.workdays import SEOUL
from sotong.petitions.models import Support
from sotong.petitions.services import Refused
from sotong.petitions.services.supports import support_add

pytestmark = pytest.mark.django_db


def test_one_identity_supports_a_proposal_once(make_proposal: Any, who: Any) -> None:
    proposal = make_proposal()
    support_add(proposal=proposal, identity=who("준호"))
    with pytest.raises(Refused, match="이미 이 제안에 공감하셨습니다"):
        support_add(proposal=proposal, identity=who("준호"))
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_the_digest_never_stores_the_raw_identity(make_proposal: Any) -> None:
    from sotong.petitions.identity import Identity, identity_digest

    proposal = make_proposal()
    raw = "01012345678"
    support_add(
        proposal=proposal,
        identity=Identity(digest=identity_digest(provider="phone", subject=raw), provider="phone"),
    )
    stored = Support.objects.get()
    assert raw not in stored.identity_digest
    assert len(stored.identity_digest) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM petitions_support")
        assert raw not in repr(cursor.fetchall())


def test_the_contact_is_stored_encrypted(make_proposal: Any, who: Any) -> None:
    proposal = make_proposal()
    support_add(proposal=proposal, identity=who("준호"), channel="email", contact="junho@example.kr")
    assert Support.objects.get().contact == "junho@example.kr"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM petitions_support")
        assert "junho" not in cursor.fetchone()[0]


def test_a_bad_contact_is_refused_and_nothing_is_saved(make_proposal: Any, who: Any) -> None:
    proposal = make_proposal()
    with pytest.raises(Refused, match="이메일 주소를 확인해 주세요"):
        support_add(proposal=proposal, identity=who("준호"), channel="email", contact="not an address")
    assert not Support.objects.exists()


def test_the_threshold_moves_the_proposal_to_review_with_working_day_deadlines(
    make_proposal: Any, who: Any, now: Any
) -> None:
    proposal = make_proposal()
    for name in ("가", "나"):
        support_add(proposal=proposal, identity=who(name))
    proposal.refresh_from_db()
    assert proposal.stage == "collecting"
    support_add(proposal=proposal, identity=who("다"))
    proposal.refresh_from_db()
    assert proposal.stage == "review"
    assert proposal.threshold_reached_at == now
    # 14 and 30 working days from Monday 2026-03-09, the first day counted: Thursday 03-26 and
    # Friday 04-17 at 18:00 (no holiday in between).
    assert proposal.interim_due == datetime(2026, 3, 26, 18, tzinfo=SEOUL)
    assert proposal.answer_due == datetime(2026, 4, 17, 18, tzinfo=SEOUL)
    assert [e.kind for e in proposal.events.all()] == ["proposed", "threshold"]


def test_the_mayor_threshold_makes_the_mayor_answer(make_proposal: Any, who: Any, mayors_office: Any) -> None:
    proposal = make_proposal()
    for name in "가나다라마":
        support_add(proposal=proposal, identity=who(name))
    proposal.refresh_from_db()
    assert proposal.mayor_answers
    assert mayors_office.notifications.filter(title__contains=proposal.title).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_supports_by_the_same_identity_make_one_row(make_proposal: Any, who: Any) -> None:
    proposal = make_proposal()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            support_add(proposal=proposal, identity=who("동시"))
            outcomes.append("ok")
        except Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    proposal.refresh_from_db()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert proposal.support_count == 1
