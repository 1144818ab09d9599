from __future__ import annotations

import fcntl
import os
import shlex
import signal
import socket
import sys
import urllib.request
from functools import partial
from pathlib import Path
from types import FrameType
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sotong.core.supervision import SCHEDULER_HOLDER_ENV
from sotong.site import demo_env
from sotong.site.demo_data import load_all
from sotong.site.supervisor import Child, ChildSpec, CrashLoop, Supervisor

LOCK_FILE = "demo.lock"


def hold_data_folder(data_dir: Path) -> IO[str]:
    """One demo per data folder: a second one would share its database and run a second scheduler."""
    handle = (data_dir / LOCK_FILE).open("a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise CommandError(
            f"A demo is already running on the data folder {data_dir}. Stop it first, or give this one "
            "another folder (SOTONG_DATA_DIR=…)."
        ) from exc
    return handle


def scheduler_holder(data_dir: Path) -> str:
    """The scheduler lease's holder for this folder's demo. The same after a restart of the demo or of the
    machine, so the new scheduler takes over a lease its killed predecessor still held (the folder's lock
    keeps a second demo out), instead of exiting until the lease's 30 seconds have passed."""
    return f"demo:{socket.gethostname()}:{data_dir.resolve()}"


def _use_demo_address(host: str, port: int) -> None:
    """Links the demo sends out (tracking pages in KakaoTalk replies and e-mails, Open311 discovery,
    sign-in links) name the address it serves, not the default port, unless SITE_URL is given."""
    if os.environ.get("SITE_URL", "").strip():
        return
    shown = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host  # noqa: S104 - compares, binds nothing
    if ":" in shown:
        shown = f"[{shown}]"
    site_url = f"http://{shown}:{port}"
    os.environ["SITE_URL"] = site_url  # for the web server, worker, scheduler and mail server it starts
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = site_url


class Command(BaseCommand):
    help = (
        "Set up and run the demo district in the embedded shape: migrate, load the sample district and demo "
        "accounts, then run web server, task worker, scheduler, mail intake and the 소통TV ingest together until Ctrl-C or SIGTERM, "
        "restarting any of them that crashes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--rtmp-port", type=int, default=1935, help="Where encoders publish to 소통TV (default: 1935)."
        )
        parser.add_argument("--setup-only", action="store_true", help="Load the demo data and exit.")
        parser.add_argument(
            "--crash-loop",
            default="5/120",
            metavar="CRASHES/SECONDS",
            help="Stop the demo when one of its processes crashes this often (default: 5/120, i.e. 5 crashes "
            "within 120 s); a crashed process is otherwise restarted after 1 s, 2 s, 4 s … (at most 30 s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            crash_loop = CrashLoop.parse(options["crash_loop"])
        except ValueError as exc:
            raise CommandError(f"--crash-loop: {exc}") from exc
        _use_demo_address(options["host"], options["port"])
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        # Held until this process ends, however it ends (the kernel drops the lock of a killed process).
        self._lock = hold_data_folder(settings.DATA_DIR)
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        _write_demo_env()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        # Each app may offer demo data in <app>/demo.py: load_demo(stdout) -> list of demo accounts.
        accounts = load_all(stdout=self.stdout)
        if options["setup_only"]:
            self._print_accounts(accounts, rtmp_port=options["rtmp_port"])
            self._print_where(logs=False)
            return
        self._run(options["host"], options["port"], options["rtmp_port"], accounts, crash_loop)

    def _print_accounts(
        self,
        accounts: list[dict[str, str]],
        *,
        port: int = 8000,
        host: str = "127.0.0.1",
        rtmp_port: int = 1935,
    ) -> None:
        hints = [a["hint"] for a in accounts if "hint" in a]
        accounts = [a for a in accounts if "hint" not in a]
        if hints:
            self.stdout.write("\nTry the channels:")
            for hint in hints:
                self.stdout.write(
                    "  "
                    + hint.format(
                        base=f"http://{host}:{port}/",
                        mail_port=port + 25,
                        sent_mail=settings.EMAIL_FILE_PATH,
                        rtmp=f"rtmp://{_url_host(_loopback(host))}:{rtmp_port}/live",
                    )
                )
        if not accounts:
            return
        self.stdout.write("\nDemo staff accounts (back office at /admin/):")
        width = max(len(a["username"]) for a in accounts)
        for account in accounts:
            self.stdout.write(
                f"  {account['username']:<{width}}  password: {account['password']}  ({account['description']})"
            )

    def _run(
        self, host: str, port: int, rtmp_port: int, accounts: list[dict[str, str]], crash_loop: CrashLoop
    ) -> None:
        base = [sys.executable, "-m", "sotong"]
        local = _loopback(host)
        url = f"http://{_url_host(local)}:{port}/"
        holder = scheduler_holder(settings.DATA_DIR)
        specs = [
            ChildSpec(
                "web",
                [*base, "serve", "--host", host, "--port", str(port)],
                probe=partial(_is_up, url + "healthz"),
            ),
            ChildSpec("worker", [*base, "worker"]),
            ChildSpec("scheduler", [*base, "scheduler"], env={SCHEDULER_HOLDER_ENV: holder}),
            ChildSpec(
                "mail", [*base, "mailin", "--port", str(port + 25)], probe=partial(_listens, local, port + 25)
            ),
            ChildSpec(
                "tv",
                [*base, "tv", "--host", host, "--port", str(rtmp_port)],
                probe=partial(_listens, local, rtmp_port),
            ),
        ]

        def on_ready(child: Child) -> None:
            if child.name == "web":
                self._announce(url, accounts, host=host, port=port, rtmp_port=rtmp_port)

        supervisor = Supervisor(
            specs,
            data_dir=settings.DATA_DIR,
            env={
                **os.environ,
                **_demo_webpush(),
                # Where the back office tells producers to point their encoder: this demo's ingest.
                "TV_RTMP_URL": os.environ.get("TV_RTMP_URL") or f"rtmp://{_url_host(local)}:{rtmp_port}/live",
            },
            crash_loop=crash_loop,
            terminal=self.stderr.write,
            on_ready=on_ready,
        )

        def stop(signum: int, frame: FrameType | None) -> None:
            supervisor.stop()

        # Before the children exist: a signal while they start must not leave them orphaned.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = supervisor.run()
        self.stdout.write("Demo stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _announce(
        self, url: str, accounts: list[dict[str, str]], *, host: str, port: int, rtmp_port: int
    ) -> None:
        self.stdout.write(f"\nSotong demo running at {url}  (Ctrl-C stops it)")
        self._print_accounts(accounts, port=port, host=host, rtmp_port=rtmp_port)
        self._print_where()
        self.stdout.flush()

    def _print_where(self, *, logs: bool = True) -> None:
        self.stdout.write("")
        if logs:
            self.stdout.write(
                f"Logs: {settings.DATA_DIR / 'log'}/ (web.log, worker.log, scheduler.log, mail.log, tv.log, and demo.log "
                "for restarts); only warnings and errors are shown here."
            )
        settings_file = settings.DATA_DIR / demo_env.FILE_NAME
        if not settings_file.is_file():
            return
        if os.environ.get("SOTONG_DATA_DIR"):
            command = (
                f"SOTONG_DATA_DIR={shlex.quote(str(settings.DATA_DIR))} sotong open311_key create my-app"
            )
            where = "work on the demo's data"
        else:
            command, where = "sotong open311_key create my-app", "run in this folder work on the demo's data"
        self.stdout.write(
            f"Other commands: `{command}` and every other sotong command {where}, with its settings from "
            f"{settings_file}."
        )


def _demo_webpush() -> dict[str, str]:
    """Web Push for the demo's alerts: a VAPID key made once and kept in the data folder (mode 600), unless
    the environment brings its own."""
    if os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY"):
        return {}
    from sotong.connectors.webpush.vapid import generate_private_key, private_key_text

    path = settings.DATA_DIR / "webpush-vapid.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(private_key_text(generate_private_key()) + "\n")
    return {
        "WEBPUSH_ENABLED": os.environ.get("WEBPUSH_ENABLED", "1"),
        "WEBPUSH_VAPID_PRIVATE_KEY": path.read_text().strip(),
        "WEBPUSH_VAPID_SUBJECT": os.environ.get("WEBPUSH_VAPID_SUBJECT", "mailto:sotong@localhost"),
    }


def _write_demo_env() -> None:
    """The demo's development settings for the commands run on its data later (sotong.site.demo_env). Only
    when the demo runs with DEBUG on, as it does unless the environment says otherwise; a demo run with settings
    of one's own leaves no file (and removes an old one), as those settings are not the demo's to write down."""
    target = settings.DATA_DIR / demo_env.FILE_NAME
    if not settings.DEBUG:
        target.unlink(missing_ok=True)
        return
    demo_env.write(target, {name: os.environ.get(name, "") for name in demo_env.NAMES})


def _loopback(host: str) -> str:
    """Where this machine reaches a server listening on ``host``."""
    if host in {"", "0.0.0.0"}:  # noqa: S104 - compares, binds nothing
        return "127.0.0.1"
    return "::1" if host == "::" else host


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own loopback URL
            return bool(response.status == 200)
    except OSError:
        return False


def _listens(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
