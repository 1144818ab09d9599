from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from types import FrameType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

STOP_TIMEOUT = 15


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
        "accounts, then run web server, task worker and scheduler together until Ctrl-C or SIGTERM."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--setup-only", action="store_true", help="Load the demo data and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        _use_demo_address(options["host"], options["port"])
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        accounts: list[dict[str, str]] = []
        # Each app may offer demo data in <app>/demo.py: load_demo(stdout) -> list of demo accounts.
        for config in apps.get_app_configs():
            if not config.name.startswith("sotong."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            accounts.extend(module.load_demo(stdout=self.stdout) or [])
        if options["setup_only"]:
            self._print_accounts(accounts)
            return
        self._run(options["host"], options["port"], accounts)

    def _print_accounts(
        self, accounts: list[dict[str, str]], *, port: int = 8000, host: str = "127.0.0.1"
    ) -> None:
        hints = [a["hint"] for a in accounts if "hint" in a]
        accounts = [a for a in accounts if "hint" not in a]
        if hints:
            self.stdout.write("\nTry the channels:")
            for hint in hints:
                self.stdout.write(
                    "  "
                    + hint.format(
                        base=f"http://{host}:{port}/", mail_port=port + 25, sent_mail=settings.EMAIL_FILE_PATH
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

    def _run(self, host: str, port: int, accounts: list[dict[str, str]]) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **_demo_webpush()}
        base = [sys.executable, "-m", "sotong"]
        commands = {
            "web": [*base, "serve", "--host", host, "--port", str(port)],
            "worker": [*base, "worker"],
            "scheduler": [*base, "scheduler"],
            "mail": [*base, "mailin", "--port", str(port + 25)],
        }
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        # Before the children exist: a signal while they start must not leave them orphaned.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}

        url = f"http://{host}:{port}/"
        announced = False
        exit_code = 0
        try:
            while not stopping:
                for name, child in children.items():
                    code = child.poll()
                    if code is not None:
                        self.stderr.write(
                            f"The {name} process stopped (exit code {code}); stopping the demo."
                        )
                        exit_code = code or 1
                        stopping = True
                        break
                if not announced and not stopping and _is_up(url + "healthz"):
                    announced = True
                    self.stdout.write(f"\nSotong demo running at {url}  (Ctrl-C stops it)")
                    self._print_accounts(accounts, port=port, host=host)
                    self.stdout.flush()
                time.sleep(0.3)
        finally:
            self._stop(children)
        self.stdout.write("Demo stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} process did not stop in {STOP_TIMEOUT}s; killing it.")
                child.kill()
                child.wait()


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


def _is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own loopback URL
            return bool(response.status == 200)
    except OSError:
        return False
