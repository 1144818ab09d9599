"""The scaled shape's ingest: nginx with the RTMP module asks `sotong serve` before it takes a stream
(on_publish), renames an accepted one to its public name and writes its HLS, and reports its end
(on_publish_done). ffmpeg is the studio's encoder. Debian's nginx and libnginx-mod-rtmp (CI installs them)."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from conftest import require

from .conftest import Processes, free_port, wait_until
from .test_tv_ingest import on_air as on_air  # a fixture
from .test_tv_ingest import push

pytestmark = pytest.mark.django_db(transaction=True)

NGINX = Path("/usr/sbin/nginx")
RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
SECRET = "tv-ingest-secret-for-the-nginx-test-0123456789"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "urgent"]}}

CONFIG = """
load_module {module};
daemon off;
master_process off;
user root;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 64; }}
rtmp {{
  server {{
    listen 127.0.0.1:{rtmp_port};
    application live {{
      live on;
      record off;
      deny play all;
      on_publish http://127.0.0.1:{web_port}/tv-ingest/nginx/on-publish?secret={secret};
      on_publish_done http://127.0.0.1:{web_port}/tv-ingest/nginx/on-publish-done?secret={secret};
      drop_idle_publisher 10s;
    }}
    application hls {{
      live on;
      allow publish 127.0.0.1;
      deny publish all;
      deny play all;
      hls on;
      hls_path {root}/hls;
      hls_fragment 1s;
      hls_playlist_length 6s;
      record all;
      record_path {root}/rec;
      record_unique on;
      on_record_done http://127.0.0.1:{web_port}/tv-ingest/nginx/on-record-done?secret={secret};
    }}
  }}
}}
"""


@pytest.fixture
def nginx(processes: Processes, base_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[int, Path]]:
    require(NGINX.exists() and RTMP_MODULE.exists(), "nginx with the RTMP module is not installed")
    rtmp_port = free_port()
    env = {
        **base_env,
        "TV_INGEST_SECRET": SECRET,
        "TV_NGINX_HLS_APP": f"rtmp://127.0.0.1:{rtmp_port}/hls",
        "TV_NGINX_RECORD_DIR": str(tmp_path / "rec"),
        "TV_RECORDINGS_DIR": str(tmp_path / "recordings"),
        "TV_VOD_DIR": str(tmp_path / "vod"),
    }
    _, web_port = processes.serve(env=env, name="serve")
    processes.start(["worker"], env=env, name="worker")
    (tmp_path / "hls").mkdir()
    (tmp_path / "rec").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        CONFIG.format(
            module=RTMP_MODULE, root=tmp_path, rtmp_port=rtmp_port, web_port=web_port, secret=SECRET
        )
    )
    server = subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(tmp_path)])
    try:

        def listening() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", rtmp_port)) == 0

        wait_until(listening, timeout=15, message="nginx's RTMP port")
        yield rtmp_port, tmp_path / "hls"
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_nginx_takes_only_the_right_key_and_writes_hls_under_the_public_name(
    nginx: tuple[int, Path], on_air: tuple[Any, str]
) -> None:
    rtmp_port, hls = nginx
    broadcast, key = on_air

    wrong = push(f"rtmp://127.0.0.1:{rtmp_port}/live/sotong-tv-not-the-key", seconds=3)
    assert wrong.wait(timeout=30) != 0
    assert list(hls.iterdir()) == []

    right = push(f"rtmp://127.0.0.1:{rtmp_port}/live/{key}", seconds=6)
    playlist = hls / f"b{broadcast.pk}.m3u8"
    wait_until(playlist.exists, timeout=30, message="nginx's playlist under the public name")
    broadcast.refresh_from_db()
    assert broadcast.state == "live" and broadcast.publishing
    assert right.wait(timeout=60) == 0
    assert not any(key in path.name for path in hls.iterdir())  # the key is in no file name

    wait_until(lambda: not type(broadcast).objects.get(pk=broadcast.pk).publishing, timeout=15)
    outcomes = list(broadcast.ingest_attempts.order_by("pk").values_list("outcome", "ingest", "remote_addr"))
    assert outcomes == [("accepted", "nginx", "127.0.0.1"), ("ended", "nginx", "127.0.0.1")]
    # nginx cannot tell a drop from a stop: the producer is alerted; no slate fills the gap in this shape.
    from sotong.tv.models import SignalLoss

    loss = SignalLoss.objects.get(broadcast=broadcast)
    assert loss.is_open and not loss.slate and loss.cause == "dropped"

    # nginx recorded the relayed stream; a worker made it a part of the recording. The end builds the VOD.
    from sotong.tv.models import Recording
    from sotong.tv.services.broadcasts import broadcast_end

    root = hls.parent
    wait_until(
        lambda: (
            list((root / "recordings" / f"b{broadcast.pk}").glob("part-*.ts"))
            and not list((root / "rec").iterdir())
        ),  # the FLV taken once its part is whole
        timeout=30,
        message="nginx's recording adopted as a part",
    )
    # The processes here are the embedded shape: the end's task goes to the database queue their worker reads.
    with override_settings(TASKS=DATABASE_TASKS):
        broadcast_end(type(broadcast).objects.get(pk=broadcast.pk), by=None)
    wait_until(
        lambda: Recording.objects.get(broadcast=broadcast).state == "ready",
        timeout=60,
        message="the VOD built",
    )
    recording = Recording.objects.get(broadcast=broadcast)
    loss.refresh_from_db()
    assert loss.gave_up_at is not None  # ended without its signal: the loss closed with it
    assert 4 < recording.duration_seconds < 8, recording.duration_seconds
    assert "#EXT-X-ENDLIST" in (root / "vod" / f"b{broadcast.pk}" / "index.m3u8").read_text()
