"""The import path this task had until it moved to `sotong.safety.tasks`: django-tasks stores a queued
task by its path (database rows, RQ jobs), so tasks queued before an upgrade must still find it here.
Remove once no deployment runs the release before the move (docs/operations.md, Upgrading)."""

from sotong.safety.tasks import remind_stale_layers

__all__ = ["remind_stale_layers"]
