"""The import path these tasks had until they moved to `sotong.safety.tasks`: django-tasks stores a queued
task by its path (database rows, RQ jobs), so tasks queued before an upgrade must still find them here.
Remove once no deployment runs the release before the move (docs/operations.md, Upgrading)."""

from sotong.safety.tasks import expire_alerts, poll_cap_feeds

__all__ = ["expire_alerts", "poll_cap_feeds"]
