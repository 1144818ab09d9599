"""One demo per data folder, and a demo restarted after a crash takes its scheduler lease back at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management.base import CommandError

from sotong.core.leases import DatabaseLeaseStore
from sotong.site.management.commands.demo import hold_data_folder, scheduler_holder


def test_a_second_demo_on_the_same_folder_is_refused_until_the_first_ends(tmp_path: Path) -> None:
    first = hold_data_folder(tmp_path)
    with pytest.raises(CommandError, match="already running"):
        hold_data_folder(tmp_path)
    first.close()  # what the kernel does when the first demo ends, killed or not
    hold_data_folder(tmp_path).close()


def test_another_folder_runs_its_own_demo(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = hold_data_folder(tmp_path / "a")
    hold_data_folder(tmp_path / "b").close()
    a.close()


@pytest.mark.django_db
def test_the_restarted_demos_scheduler_takes_over_the_lease_its_killed_predecessor_held(
    tmp_path: Path,
) -> None:
    store = DatabaseLeaseStore()
    holder = scheduler_holder(tmp_path)
    assert store.acquire("scheduler", holder, 30)
    # The machine went down with the lease held; the demo starts again in the same folder within 30 s.
    assert scheduler_holder(tmp_path) == holder
    assert store.acquire("scheduler", scheduler_holder(tmp_path), 30)
    # A scheduler of any other demo or deployment still has to wait.
    assert not store.acquire("scheduler", scheduler_holder(tmp_path / "elsewhere"), 30)
