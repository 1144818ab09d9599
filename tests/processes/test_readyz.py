"""/readyz of a `sotong serve` whose Redis goes away: it names every part that needs Redis."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import STOP_TIMEOUT, Processes, free_port, http_get, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REDIS_PARTS = {"cache", "task_queue", "channel_layer"}


class RedisServer:
    """A redis-server of the test's own, on a fixed port, that the test may kill and start again."""

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary, self.folder, self.port = binary, folder, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        try:
            wait_until(answers, timeout=10, message=f"redis-server on port {self.port}")
        finally:
            client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def own_redis(redis_server_binary: str, tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(redis_server_binary, tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def readiness(port: int) -> tuple[int, dict[str, object]]:
    status, body = http_get(f"http://127.0.0.1:{port}/readyz")
    return status, json.loads(body)


def test_readyz_names_the_redis_parts_while_redis_is_down_and_recovers_when_it_returns(
    processes: Processes, base_env: dict[str, str], channel_prefix: str, own_redis: RedisServer
) -> None:
    web, port = processes.serve(
        env={**base_env, "REDIS_URL": own_redis.url, "CHANNEL_LAYER_PREFIX": channel_prefix}
    )
    status, body = readiness(port)
    assert status == 200, body
    assert body["failing"] == []

    own_redis.kill()

    def failing() -> tuple[int, dict[str, object]] | None:
        answer = readiness(port)
        return answer if answer[0] == 503 else None

    status, body = wait_until(failing, timeout=5, interval=0.2, message="/readyz to fail")
    assert set(body["failing"]) == REDIS_PARTS, body  # type: ignore[arg-type]
    checks: dict[str, dict[str, object]] = body["checks"]  # type: ignore[assignment]
    assert checks["database"]["ok"] is True
    for part in REDIS_PARTS:
        assert checks[part]["ok"] is False
        assert checks[part]["error"], checks[part]
    # Liveness is not readiness: the process itself is fine, so it must not be restarted.
    assert http_get(f"http://127.0.0.1:{port}/healthz") == (200, '{"status": "ok"}')

    own_redis.start()
    status, body = wait_until(
        lambda: (answer := readiness(port))[0] == 200 and answer,
        timeout=10,
        interval=0.2,
        message="/readyz to recover",
    )
    assert body["failing"] == []
    assert web.popen.poll() is None, web.output
