from __future__ import annotations

import io

from django_tasks import task


@task()
def publish_scheduled_pages() -> str:
    """Wagtail's publish_scheduled: revisions whose go-live time has come are published, expired pages unpublished."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()[-500:]
