from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from sotong.core.supervision import announce_ready


class Command(BaseCommand):
    help = "Run a background task worker: the database worker (embedded) or an RQ worker (with REDIS_URL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--queues", default="default,urgent", help="Comma-separated queues (default: all)."
        )
        parser.add_argument("--burst", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=0.1,
            help="Embedded shape: seconds between polls of an empty queue (lower: faster pickup, more queries).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queues = [q.strip() for q in options["queues"].split(",") if q.strip()]
        if not options["burst"]:
            warm_up()
            announce_ready()
        if settings.REDIS_URL:
            # Urgent first: RQ takes queues in the order given. Our worker (a SimpleWorker) runs each
            # job in this process instead of a fresh fork, so models loaded once (routing: ~1 s) stay
            # loaded, and it stops within a second (sotong/core/rq_worker.py); a supervisor restarts a
            # worker that dies (decision 0046).
            ordered = sorted(queues, key=lambda q: q != "urgent")
            call_command(
                "rqworker",
                *ordered,
                job_class="django_tasks_rq.Job",
                worker_class="sotong.core.rq_worker.Worker",
                burst=options["burst"],
            )
        else:
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=options["burst"],
                reload=False,
                interval=options["interval"],
            )


def warm_up() -> None:
    """Let each app load what its tasks need (models, indexes) before the first job arrives: an app's
    AppConfig may define ``warm_up()``."""
    for config in apps.get_app_configs():
        hook = getattr(config, "warm_up", None)
        if callable(hook):
            hook()
