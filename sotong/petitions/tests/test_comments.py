from __future__ import annotations

from typing import Any

import pytest

from sotong.petitions.models import Comment

pytestmark = pytest.mark.django_db


def _comment(client: Any, proposal: Any, body: str, name: str = "김민지") -> Any:
    return client.post(f"/mayor/proposals/{proposal.pk}/comments/", {"author_name": name, "body": body})


def test_a_comment_is_shown_with_personal_data_masked(client: Any, make_proposal: Any) -> None:
    proposal = make_proposal()
    _comment(client, proposal, "저도 찬성합니다. 김민지 010-9876-5432로 연락 주세요.")
    html = client.get(f"/mayor/proposals/{proposal.pk}/").content.decode()
    assert "010-****-5432" in html and "9876" not in html
    assert "김*지" in html and "김민지" not in html


def test_an_empty_comment_gets_a_korean_message_and_nothing_is_saved(client: Any, make_proposal: Any) -> None:
    proposal = make_proposal()
    response = _comment(client, proposal, "")
    assert response.status_code == 400
    assert "댓글을 써 주세요." in response.content.decode()
    assert not Comment.objects.exists()


def test_enough_reports_hide_a_comment_until_a_moderator_restores_it(
    client: Any, make_proposal: Any, settings: Any, mayors_office: Any
) -> None:
    settings.PETITIONS_COMMENT_HIDE_REPORTS = 2
    proposal = make_proposal()
    _comment(client, proposal, "광고성 댓글입니다 여기로 오세요")
    item = Comment.objects.get()
    url = f"/mayor/proposals/{proposal.pk}/comments/{item.pk}/report/"
    client.post(url)
    client.post(url)  # the same person twice counts once
    item.refresh_from_db()
    assert (item.report_count, item.state) == (1, "visible")
    client.post(url, REMOTE_ADDR="10.0.0.2")
    item.refresh_from_db()
    assert item.state == "review"
    assert "광고성 댓글" not in client.get(f"/mayor/proposals/{proposal.pk}/").content.decode()
    client.force_login(mayors_office)
    assert "광고성 댓글" in client.get("/admin/petitions/comments/").content.decode()
    client.post(f"/admin/petitions/comments/{item.pk}/", {"action": "restore"})
    item.refresh_from_db()
    assert item.state == "visible"
    client.post(url, REMOTE_ADDR="10.0.0.3")
    item.refresh_from_db()
    assert item.state == "visible", "a restored comment stays until a moderator hides it"


def test_an_officer_of_a_department_cannot_moderate_comments(
    client: Any, make_proposal: Any, sora: Any
) -> None:
    proposal = make_proposal()
    _comment(client, proposal, "댓글입니다 확인해 주세요")
    item = Comment.objects.get()
    client.force_login(sora)
    client.post(f"/admin/petitions/comments/{item.pk}/", {"action": "hide"})
    item.refresh_from_db()
    assert item.state == "visible"


def test_comments_are_rate_limited(client: Any, make_proposal: Any) -> None:
    proposal = make_proposal()
    for n in range(10):
        _comment(client, proposal, f"댓글 {n}번째입니다")
    response = _comment(client, proposal, "열한 번째 댓글")
    assert response.status_code == 429
    assert "잠시 후 다시 시도해 주세요" in response.content.decode()
    assert Comment.objects.count() == 10
