"""Other `sotong` commands on the demo's data: in the demo's folder they take the development settings the demo
left in var/demo.env; with no demo there, or with an environment of their own, production's refusal of a
missing or development secret stands."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import DemoSeed, Processes

# The demo runs the embedded shape on a database of its own whatever the pass: only the SQLite pass runs it.
pytestmark = pytest.mark.embedded_only

# What a shell in the demo's folder has: none of the settings a deployment's environment gives.
DEPLOYMENT_SETTINGS = (
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "SOTONG_DATA_DIR",
    "CHANNEL_LAYER_PREFIX",
)


def plain_shell() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in DEPLOYMENT_SETTINGS}
    return {**env, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}


@pytest.fixture
def demo_folder(demo_seed: DemoSeed | None, tmp_path: Path) -> Path:
    """A folder in which `sotong demo --setup-only` ran: its data in ./var."""
    assert demo_seed is not None
    shutil.copytree(demo_seed.ready(), tmp_path / "var")
    return tmp_path


def test_the_demo_leaves_its_development_settings_for_other_commands(demo_folder: Path) -> None:
    settings = (demo_folder / "var" / "demo.env").read_text()
    assert "DEBUG=1" in settings.splitlines()
    # It holds no key, no database and no Redis server.
    assert not any(
        line.startswith(("SECRET_KEY=", "FIELD_ENCRYPTION_KEYS=", "DATABASE_URL=", "REDIS_URL="))
        for line in settings.splitlines()
    )


def test_a_command_run_in_the_demos_folder_works_without_any_environment(
    processes: Processes, demo_folder: Path
) -> None:
    create = processes.start(["open311_key", "create", "my-app"], env=plain_shell(), cwd=demo_folder)
    assert create.wait(timeout=120) == 0, create.output
    assert f"using the demo's development settings from {demo_folder / 'var' / 'demo.env'}" in create.output
    assert "Key 'my-app' created" in create.output

    listed = processes.start(["open311_key", "list"], env=plain_shell(), cwd=demo_folder)
    assert listed.wait(timeout=120) == 0, listed.output
    assert any(line.startswith("my-app\tactive") for line in listed.lines), listed.output


def test_without_the_demos_settings_a_missing_secret_key_is_still_refused(
    processes: Processes, tmp_path: Path
) -> None:
    # Production-like: DEBUG and SECRET_KEY unset, and no demo in this folder.
    command = processes.start(["open311_key", "list"], env=plain_shell(), cwd=tmp_path)
    assert command.wait(timeout=120) == 2, command.output
    assert "sotong: configuration error: SECRET_KEY is not set." in command.output
    assert "`sotong demo` sets one up" in command.output
    assert "Traceback" not in command.output


def test_an_environment_of_its_own_keeps_the_demos_settings_out(
    processes: Processes, demo_folder: Path
) -> None:
    # DEBUG=0 from a deployment's environment: the demo's file beside the data is not read.
    command = processes.start(["open311_key", "list"], env={**plain_shell(), "DEBUG": "0"}, cwd=demo_folder)
    assert command.wait(timeout=120) == 2, command.output
    assert "sotong: configuration error: SECRET_KEY is not set." in command.output
    assert "demo.env were not used, because the environment sets DEBUG" in command.output
    assert "using the demo's development settings" not in command.output
