from __future__ import annotations

import contextlib
import logging
import os
import secrets
import signal
import socket
import sys
import time
from types import FrameType
from typing import Any

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from sotong.core.leases import lease_store
from sotong.core.scheduling import PeriodicJob, periodic_jobs
from sotong.core.supervision import SCHEDULER_HOLDER_ENV, announce_ready

logger = logging.getLogger("sotong.scheduler")

LEASE_NAME = "scheduler"
STOP_POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = "Run the periodic-task scheduler. Exactly one may run: a second one notices the lease and refuses."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--list", action="store_true", help="List the periodic jobs and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = periodic_jobs()
        if options["list"]:
            for job in jobs:
                args_text = ", ".join(f"{k}={v}" for k, v in job.trigger_args.items())
                also = ", and at start" if job.at_start else ""
                self.stdout.write(f"{job.name}: {job.trigger}({args_text}){also} -> {job.task.module_path}")
            return

        # The signal handler only notes the signal: APScheduler's locks are not safe to take inside one
        # (the main thread may hold them when the signal lands), so the main loop below does the stopping.
        stop_signal: int | None = None

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stop_signal
            stop_signal = signum

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        store = lease_store()
        ttl = settings.SCHEDULER_LEASE_SECONDS
        # A supervisor (the demo) names the holder and gives the scheduler it restarts after a crash the same
        # name: the new one takes over its dead predecessor's lease at once instead of waiting for it to expire
        # (SCHEDULER_LEASE_SECONDS). It starts the next one only once the last one has exited.
        holder = (
            os.environ.get(SCHEDULER_HOLDER_ENV, "").strip()
            or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        )
        if not store.acquire(LEASE_NAME, holder, ttl):
            current = store.current(LEASE_NAME)
            who = f"{current.holder}, lease until {current.until}" if current else "unknown holder"
            self.stderr.write(
                f"Another scheduler is already running ({who}). Only one scheduler may run; this one stops."
            )
            sys.exit(1)

        scheduler = BackgroundScheduler(
            timezone=settings.TIME_ZONE, job_defaults={"coalesce": True, "max_instances": 1}
        )
        lost = False

        def renew() -> None:
            nonlocal lost
            close_old_connections()
            if not store.renew(LEASE_NAME, holder, ttl):
                lost = True
                logger.error("The scheduler lease was lost (another scheduler took over?); stopping.")
                scheduler.shutdown(wait=False)

        def enqueue(job: PeriodicJob) -> None:
            close_old_connections()
            try:
                job.enqueue()
                logger.info("enqueued %s", job.name)
            except Exception:
                logger.exception("could not enqueue %s", job.name)

        scheduler.add_job(renew, "interval", seconds=max(1, ttl // 3), id="lease-renewal")
        started = timezone.now()
        for job in jobs:
            first = {"next_run_time": started} if job.at_start else {}
            scheduler.add_job(enqueue, job.trigger, args=[job], id=job.name, **first, **job.trigger_args)

        try:
            scheduler.start()
            announce_ready()
            self.stdout.write(f"Scheduler {holder} running {len(jobs)} periodic jobs.")
            self.stdout.flush()
            while stop_signal is None and scheduler.running:
                time.sleep(STOP_POLL_SECONDS)
            if stop_signal is not None:
                logger.info("received %s, stopping the scheduler", signal.strsignal(stop_signal))
        finally:
            with contextlib.suppress(SchedulerNotRunningError):  # already stopped when the lease was lost
                scheduler.shutdown(wait=False)
            if not lost:
                store.release(LEASE_NAME, holder)
            self.stdout.write("Scheduler stopped.")
        if lost:
            sys.exit(1)
