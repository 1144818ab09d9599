"""소통TV latency and ingest cost, end to end on this machine.

    .venv/bin/python bench/tv_latency.py      # about 2 minutes

ffmpeg (the imageio-ffmpeg build) plays the studio's encoder: testsrc 1280x720 at 30 frames/s and a tone,
H.264 + AAC over RTMP to `sotong tv`, which packages HLS (720p and 360p, one-second segments); `sotong serve`
serves it and Chromium (Debian's) plays the broadcast's page with hls.js. Latency is as issue 11 defines it:
``Date.now() − hls.playingDate``, the wall clock minus the EXT-X-PROGRAM-DATE-TIME of the frame on screen,
sampled every half second for 40 s once playback runs (so it covers packaging, serving and the player's
buffer; the encoder's own encoding and the RTMP hop, a fraction of a second on loopback, come before the
packager stamps the segments). Then the packager's CPU: the ffmpeg that `sotong tv` starts, over 8 s of
each rendition alone and of both together, in cores (1.0 = one core busy).

Targets (issue 11): p95 ≤ 5 s (Owncast documents ≥ 5 s, PeerTube 11–15 s in its reduced-latency mode; both
quoted, not measured here). Prints a table and writes bench/results/tv_latency.json.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SOTONG = [sys.executable, "-m", "sotong"]
CHROMIUM = "/usr/bin/chromium"
KEY = "sotong-bench-tv-key-0123456789abcdef"
SAMPLE_SECONDS = 40
CPU_SECONDS = 8
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def wait(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def setup(env: dict[str, str]) -> int:
    subprocess.run([*SOTONG, "migrate", "-v0"], env=env, check=True)
    script = (
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from sotong.accounts.models import User\n"
        "from sotong.tv.models import Broadcast, Show\n"
        "from sotong.tv.services.keys import stream_key_issue\n"
        "user = User.objects.create_user(username='bench', password='x')\n"
        "show = Show.objects.create(slug='bench', title_ko='벤치')\n"
        "now = timezone.now()\n"
        "b = Broadcast.objects.create(show=show, title_ko='지연 측정', starts_at=now, ends_at=now + timedelta(hours=1))\n"
        f"stream_key_issue(b, by=user, key={KEY!r})\n"
        "print(b.pk)\n"
    )
    out = subprocess.run(
        [*SOTONG, "shell", "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def start_tv(env: dict[str, str], port: int, renditions: str) -> subprocess.Popen[bytes]:
    tv = subprocess.Popen(
        [*SOTONG, "tv", "--port", str(port)],
        env={**env, "TV_RENDITIONS": renditions},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 30, "sotong tv")
    return tv


def push(port: int, seconds: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            ffmpeg(), "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "30",
            "-b:v", "3000k", "-c:a", "aac", "-f", "flv", f"rtmp://127.0.0.1:{port}/live/{KEY}",
        ],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def packager_pid(tv: subprocess.Popen[bytes]) -> int:
    def child() -> int | None:
        # `sotong tv` starts two ffmpegs per broadcast: the packager (writes HLS) and the recorder (copies).
        found = subprocess.run(["pgrep", "-P", str(tv.pid)], capture_output=True, text=True).stdout.split()
        for pid in found:
            with contextlib.suppress(OSError):
                if b"\0hls\0" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return int(pid)
        return None

    return int(wait(child, 30, "the packager ffmpeg"))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def packager_cores(env: dict[str, str], renditions: str, hls: Path, pk: int) -> float:
    port = free_port()
    tv = start_tv(env, port, renditions)
    encoder = push(port, CPU_SECONDS + 8)
    try:
        pid = packager_pid(tv)
        wait(lambda: (hls / f"b{pk}" / "index.m3u8").exists(), 30, "the master playlist")
        time.sleep(3)  # past the start
        before, started = cpu_seconds(pid), time.monotonic()
        time.sleep(CPU_SECONDS)
        return (cpu_seconds(pid) - before) / (time.monotonic() - started)
    finally:
        encoder.kill()
        encoder.wait()
        tv.terminate()
        tv.wait(timeout=20)


def phase(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="sotong-bench-tv-"))
    hls = folder / "tv" / "hls"
    env = {
        **os.environ,
        "SOTONG_DATA_DIR": str(folder),
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    began = time.monotonic()
    phase("setting up a data folder")
    pk = setup(env)
    web_port, rtmp_port = free_port(), free_port()
    web = subprocess.Popen([*SOTONG, "serve", "--port", str(web_port)], env=env, stderr=subprocess.DEVNULL)
    tv = start_tv(env, rtmp_port, "720:2500,360:800")
    encoder = push(rtmp_port, SAMPLE_SECONDS + 40)
    samples: list[float] = []
    levels: set[int] = set()
    try:
        phase("pushing; waiting for the first playlist")
        wait(lambda: (hls / f"b{pk}" / "720p" / "stream.m3u8").exists(), 40, "the first playlist")
        wait(
            lambda: urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz").status == 200, 30, "serve"
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless=new", "--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{web_port}/tv/{pk}/")
            page.wait_for_function(
                "window.sotongTvPlayer && window.sotongTvPlayer.playingDate", timeout=40_000
            )
            phase("playing; sampling")
            deadline = time.monotonic() + SAMPLE_SECONDS
            while time.monotonic() < deadline:
                value = page.evaluate(
                    "() => { const p = window.sotongTvPlayer; const d = p.playingDate;"
                    " return d ? [Date.now() - d.getTime(), p.levels[p.currentLevel]?.height || 0] : null; }"
                )
                if value:
                    samples.append(value[0] / 1000)
                    levels.add(int(value[1]))
                time.sleep(0.5)
            browser.close()
    finally:
        encoder.kill()
        encoder.wait()
        tv.terminate()
        tv.wait(timeout=20)
    phase("packager CPU per rendition")
    cores = {
        "720p": packager_cores(env, "720:2500", hls, pk),
        "360p": packager_cores(env, "360:800", hls, pk),
        "720p+360p": packager_cores(env, "720:2500,360:800", hls, pk),
    }
    web.terminate()
    web.wait(timeout=20)
    shutil.rmtree(folder, ignore_errors=True)

    latency = {
        "samples": len(samples),
        "p50_s": round(statistics.median(samples), 2),
        "p95_s": round(percentile(samples, 0.95), 2),
        "max_s": round(max(samples), 2),
        "min_s": round(min(samples), 2),
        "levels_played": sorted(levels),
    }
    print("\n소통TV latency (Date.now() − hls.playingDate), 1280x720@30 → 720p+360p HLS, 1 s segments")
    print("| samples | p50 s | p95 s | min s | max s | target p95 |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {latency['samples']} | {latency['p50_s']} | {latency['p95_s']} | {latency['min_s']} "
        f"| {latency['max_s']} | ≤ 5 s |"
    )
    print(f"\nPackager CPU (the ffmpeg `sotong tv` starts), cores over {CPU_SECONDS} s")
    print("| renditions | cores |")
    print("|---|---|")
    for name, value in cores.items():
        print(f"| {name} | {value:.2f} |")
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "processor": platform.processor(),
        },
        "parameters": {"source": "testsrc 1280x720@30 + sine, x264 veryfast 3000k", "segment_s": 1},
        "latency": latency,
        "packager_cores": {k: round(v, 3) for k, v in cores.items()},
        "duration_s": round(time.monotonic() - began, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tv_latency.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\n{result['duration_s']} s; bench/results/tv_latency.json")


if __name__ == "__main__":
    main()
