"""소통TV: a 24-hour broadcast's YouTube live chat read within the daily quota (decision 0075).

    .venv/bin/python bench/tv_quota.py            # about a minute (the first run migrates a database: longer)
    .venv/bin/python bench/tv_quota.py --hours 24 --rate 45 --polling-ms 1200

The real reader (``tv.sources.youtube.YouTubeReader``) runs against the loopback fake of the YouTube Data API
(``sotong/tv/tests/fakes/youtube.py``) on a simulated clock, so a day passes in seconds; every call is a real
HTTP request and every message goes through ``chat_receive`` into a SQLite database. The broadcast starts at
midnight Pacific time (when YouTube's quota resets) and lasts ``--hours``; viewers write on average one message
every ``--rate`` seconds (a seeded random process, busier in the evening in Korea). Two runs: ``streamList``
(the default: each call stays open about 10 s) and ``list`` only (the fallback). Beside them, the naive
reference computed in the same run: calling every ``pollingIntervalMillis`` as YouTube suggests.

Reports units spent (the most in one quota day, which must stay ≤ TV_YOUTUBE_DAILY_QUOTA, 10,000), calls,
messages delivered, and the delay from a message's publishedAt to the response that first carried it.
Delivered counts against what could have been: the messages published by the fake's last response. The
simulation ends with the broadcast. The reader's call after its last one would fall after the end (about
45 s apart; by then the day's 9,500 units are spent too). What viewers wrote after the last response is
counted apart, not as lost. A message published before it but not stored is lost, and fails the run.
Prints a table and writes bench/results/tv_quota.json.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / "bench" / ".cache"
sys.path.insert(0, str(ROOT))


def migrated_database(work: Path) -> Path:
    """A migrated SQLite database, built once per set of migrations and copied for each run."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("sotong/*/migrations/*.py")):
        digest.update(path.read_bytes())
    cached = CACHE / f"tv_quota-{digest.hexdigest()[:12]}.sqlite3"
    target = work / "bench.sqlite3"
    if not cached.exists():
        from django.core.management import call_command

        print("migrating a bench database (once)…", file=sys.stderr)
        call_command("migrate", verbosity=0)
        CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copy(target, cached)
    else:
        shutil.copy(cached, target)
    return target


def schedule(start: datetime, hours: float, rate: float, seed: int) -> list[datetime]:
    """Message times: a Poisson process, twice as busy from 19:00 to 23:00 in Seoul."""
    rng = random.Random(seed)
    times, at, end = [], start, start + timedelta(hours=hours)
    while True:
        seoul_hour = (at.astimezone(UTC).hour + 9) % 24
        mean = rate / 2 if 19 <= seoul_hour < 23 else rate
        at += timedelta(seconds=rng.expovariate(1 / mean))
        if at >= end:
            return times
        times.append(at)


def simulate(
    *, stream: bool, start: datetime, hours: float, times: list[datetime], polling_ms: int
) -> dict[str, Any]:
    import httpx
    from asgiref.sync import async_to_sync
    from django.contrib.auth import get_user_model

    from sotong.tv.choices import BroadcastState, ChatSource
    from sotong.tv.models import Broadcast, ChatMessage, ExternalChat, Show
    from sotong.tv.services import external
    from sotong.tv.sources.youtube import YouTubeReader
    from sotong.tv.tests.fakes import SimulatedClock, SimulationOver
    from sotong.tv.tests.fakes.youtube import FakeYouTube

    user, _ = get_user_model().objects.get_or_create(username="bench")
    show, _ = Show.objects.get_or_create(slug="bench", defaults={"title_ko": "벤치"})
    broadcast = Broadcast.objects.create(
        show=show,
        title_ko=f"24시간 방송 ({'streamList' if stream else 'list'})",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        state=BroadcastState.LIVE,
    )
    clock = SimulatedClock(start, stop_at=start + timedelta(hours=hours))
    began = time.monotonic()
    with FakeYouTube(clock, stream=stream, polling_ms=polling_ms) as fake:
        for n, at in enumerate(times):
            fake.post(f"메시지 {n}", author=f"시청자{n % 97}", channel_id=f"UCbench{n % 97:017d}", at=at)
        chat = external.external_connect(
            broadcast=broadcast, platform=ChatSource.YOUTUBE, target_id=fake.live_chat_id, by=user
        )

        async def go() -> YouTubeReader:
            async with httpx.AsyncClient() as client:
                reader = YouTubeReader(
                    chat.pk,
                    client=client,
                    clock=clock,
                    api_base=fake.base,
                    api_key=fake.api_key,
                    use_stream=stream,
                )
                with contextlib.suppress(SimulationOver):
                    await reader.run()
                return reader

        reader = async_to_sync(go)()
    seconds = time.monotonic() - began
    per_day: dict[str, int] = {}
    for request in fake.requests:
        if request.path.endswith("/messages") or (stream and request.path.endswith("/stream")):
            day = str(external.quota_day_of(request.at))
            per_day[day] = per_day.get(day, 0) + 5
    published = {m.id: m.at for m in fake.messages}
    delays = sorted((at - published[i]).total_seconds() for i, at in fake.first_delivered.items())
    chat = ExternalChat.objects.get(pk=chat.pk)
    stored = ChatMessage.objects.filter(broadcast=broadcast).count()
    last = fake.last_answer_at
    deliverable = sum(1 for m in fake.messages if last is not None and m.at <= last)
    # The next run is another day's broadcast: this one's units must not count against it.
    Broadcast.objects.filter(pk=broadcast.pk).update(state=BroadcastState.ENDED)
    ExternalChat.objects.filter(pk=chat.pk).delete()
    return {
        "mode": "streamList" if stream else "list",
        "calls": reader.calls,
        "units": fake.units,
        "units_counted": chat.quota_used,
        "max_units_one_quota_day": max(per_day.values()) if per_day else 0,
        "messages_written": len(times),
        "messages_deliverable": deliverable,
        "messages_after_last_response": len(times) - deliverable,
        "last_response_at": last.isoformat() if last is not None else None,
        "last_response_s_before_end": (
            round((start + timedelta(hours=hours) - last).total_seconds(), 1) if last is not None else None
        ),
        "messages_delivered": stored,
        "delay_p50_s": round(statistics.median(delays), 1) if delays else None,
        "delay_p95_s": round(delays[int(0.95 * (len(delays) - 1))], 1) if delays else None,
        "delay_max_s": round(delays[-1], 1) if delays else None,
        "wall_s": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--rate", type=float, default=45.0, help="mean seconds between messages")
    parser.add_argument("--polling-ms", type=int, default=1200, help="the fake's pollingIntervalMillis")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="sotong-tv-quota-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["SOTONG_DATA_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("sotong").setLevel(logging.WARNING)
    from django.conf import settings

    from sotong.tv.services.external import quota_day_end

    migrated_database(work)
    limit = settings.TV_YOUTUBE_DAILY_QUOTA
    # The broadcast begins at midnight Pacific time, so a 24-hour one spans exactly one quota day.
    start = quota_day_end(datetime(2026, 3, 9, 12, tzinfo=UTC))
    times = schedule(start, args.hours, args.rate, args.seed)
    try:
        runs = [
            simulate(stream=stream, start=start, hours=args.hours, times=times, polling_ms=args.polling_ms)
            for stream in (True, False)
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    naive_calls = int(args.hours * 3600 * 1000 / args.polling_ms)
    naive = {
        "mode": f"naive: list every pollingIntervalMillis ({args.polling_ms} ms)",
        "calls": naive_calls,
        "units": naive_calls * 5,
        "max_units_one_quota_day": min(naive_calls, int(86_400_000 / args.polling_ms)) * 5,
        "messages_written": len(times),
        "delay_max_s": args.polling_ms / 1000,
    }

    print(
        f"\n소통TV YouTube live chat over {args.hours:g} h, quota {limit} units a day, {len(times)} messages"
    )
    print(
        "| reader | calls | units (most in one quota day) | ≤ quota | delivered / by the last response "
        "(after it) | delay p50 s | p95 s | max s | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        print(
            f"| {run['mode']} | {run['calls']:,} | {run['units']:,} ({run['max_units_one_quota_day']:,}) "
            f"| {'yes' if run['max_units_one_quota_day'] <= limit else 'NO'} "
            f"| {run['messages_delivered']:,} / {run['messages_deliverable']:,} "
            f"({run['messages_after_last_response']}) | {run['delay_p50_s']} "
            f"| {run['delay_p95_s']} | {run['delay_max_s']} | {run['wall_s']} |"
        )
    print(
        f"| {naive['mode']} | {naive['calls']:,} | {naive['units']:,} ({naive['max_units_one_quota_day']:,}) "
        f"| {'yes' if naive['max_units_one_quota_day'] <= limit else 'NO'} | (all) | - | - "
        f"| {naive['delay_max_s']} | - |"
    )
    print(
        "Delivered counts what was published by the fake's last response; "
        + "; ".join(
            f"{run['mode']}'s came {run['last_response_s_before_end']} s before the end" for run in runs
        )
        + "."
    )
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "processor": platform.processor(),
        },
        "parameters": {**vars(args), "daily_quota": limit, "start": start.isoformat()},
        "runs": runs,
        "naive_reference": naive,
        "duration_s": round(time.monotonic() - began, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tv_quota.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\n{result['duration_s']} s; bench/results/tv_quota.json")
    if any(run["max_units_one_quota_day"] > limit for run in runs):
        raise SystemExit("a reader spent more than the daily quota")
    if any(run["messages_delivered"] < run["messages_deliverable"] for run in runs):
        raise SystemExit("a reader lost messages published before the fake's last response")


if __name__ == "__main__":
    main()
