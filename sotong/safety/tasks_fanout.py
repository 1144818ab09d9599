"""The import path these tasks had until they moved to `sotong.safety.tasks`: django-tasks stores a queued
task by its path (database rows, RQ jobs), so tasks queued before an upgrade must still find them here.
Remove once no deployment runs the release before the move (docs/operations.md, Upgrading)."""

from sotong.safety.tasks import fan_out_alert, resume_fan_outs, send_alert_chunk

__all__ = ["fan_out_alert", "resume_fan_outs", "send_alert_chunk"]
