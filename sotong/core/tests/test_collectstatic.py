"""A production deployment collects the static files with hashed, compressed names: every file that
one of ours or a vendored library points to must exist, or `collectstatic` stops the deployment."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


def test_static_files_collect_with_the_production_storage(tmp_path: Path) -> None:
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest
    assert any(tmp_path.glob("vendor/leaflet/leaflet.*.js.gz"))
