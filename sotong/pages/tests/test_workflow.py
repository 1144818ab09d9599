"""The editorial workflow through Wagtail's admin: an editor (편집자) writes and submits, a lead (팀장) approves and
the story goes live; an editor cannot publish; a scheduled story goes live at its time."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from sotong.core.workdays import SEOUL
from sotong.pages.models import StoryPage
from sotong.pages.tasks import publish_scheduled_pages
from sotong.pages.tests.content import picture, story_index
from sotong.pages.tests.test_story_hero_alt import add_url, story_form
from sotong.pages.workflow import WORKFLOW_NAME, setup_editorial_workflow
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def member(username: str, group: str) -> Client:
    user = get_user_model().objects.create_user(
        username=username, password="correct horse 42", display_name=username
    )
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(site_pages: Any) -> Client:
    return member("hanpyeon", "편집자")


@pytest.fixture
def lead(site_pages: Any) -> Client:
    return member("ohteam", "팀장")


def complete_story(**overrides: Any) -> dict[str, Any]:
    return story_form(hero_image=str(picture().pk), hero_alt="갈대밭에서 왜가리를 보는 주민들", **overrides)


def test_the_home_tree_goes_through_the_lead_review_workflow(site_pages: Any) -> None:
    story_page_index = story_index()
    workflow = story_page_index.get_workflow()
    assert workflow is not None and workflow.name == WORKFLOW_NAME
    assert [task.name for task in workflow.tasks] == ["팀장 승인"]


def test_setting_up_twice_makes_no_second_workflow_or_group(site_pages: Any) -> None:
    from wagtail.models import Workflow

    from sotong.pages.models import HomePage

    setup_editorial_workflow(homes=list(HomePage.objects.all()))
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert Group.objects.filter(name__in=["편집자", "팀장"]).count() == 2


def test_an_editor_cannot_publish_directly(editor: Client) -> None:
    response = editor.post(add_url(), complete_story(**{"action-publish": "1"}))
    assert response.status_code == 302
    story = StoryPage.objects.get(slug="anyangcheon-watch")
    assert not story.live


def test_the_editor_submits_the_lead_approves_and_the_story_goes_live(editor: Client, lead: Client) -> None:
    response = editor.post(add_url(), complete_story(**{"action-submit": "1"}))
    assert response.status_code == 302
    story = StoryPage.objects.get(slug="anyangcheon-watch")
    assert not story.live
    state = story.current_workflow_state
    assert state is not None and state.status == "in_progress"
    task_state = story.current_workflow_task_state
    assert task_state is not None

    # The editor may not approve their own story: approving is the leads' task.
    refused = editor.post(
        reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "approve", task_state.pk]), {}
    )
    assert refused.status_code in (302, 403)
    story.refresh_from_db()
    assert not story.live

    approved = lead.post(
        reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "approve", task_state.pk]), {}
    )
    assert approved.status_code in (200, 302)
    story.refresh_from_db()
    assert story.live
    assert Client().get(story.url).status_code == 200


def test_a_story_scheduled_by_the_lead_goes_live_at_its_time(lead: Client, time_machine: Any) -> None:
    go_live = datetime.datetime(2026, 3, 9, 14, 0, tzinfo=SEOUL)
    response = lead.post(
        add_url(),
        complete_story(go_live_at=go_live.strftime("%Y-%m-%d %H:%M"), **{"action-publish": "1"}),
    )
    assert response.status_code == 302
    story = StoryPage.objects.get(slug="anyangcheon-watch")
    assert not story.live and story.go_live_at is not None

    time_machine.move_to(go_live - datetime.timedelta(minutes=5))
    publish_scheduled_pages.call()
    story.refresh_from_db()
    assert not story.live

    time_machine.move_to(go_live + datetime.timedelta(minutes=1))
    publish_scheduled_pages.call()
    story.refresh_from_db()
    assert story.live


def test_publishing_scheduled_pages_is_a_periodic_job() -> None:
    from sotong.core.scheduling import periodic_jobs

    jobs = {job.name: job for job in periodic_jobs()}
    assert jobs["pages.publish_scheduled"].trigger == "interval"
