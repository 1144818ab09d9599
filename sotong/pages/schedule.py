from __future__ import annotations

from sotong.core.scheduling import every
from sotong.pages.tasks import publish_scheduled_pages

# Pages (and revisions) an editor scheduled go live, or expire, within a minute of their time.
every("pages.publish_scheduled", publish_scheduled_pages, trigger="interval", minutes=1, at_start=True)
