"""The vendored KRDS files hold together: every url() in the vendored and our own CSS names a file that is
there, every KRDS token our stylesheet uses is defined, and the production static storage (whitenoise's
manifest, which fails hard on a missing reference) collects them. No browser needed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "sotong" / "pages" / "static"
STYLESHEETS = [STATIC / "vendor" / "krds" / "css" / "krds.min.css", STATIC / "sotong" / "css" / "site.css"]
URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""")


def referenced_files(stylesheet: Path) -> list[str]:
    return [
        ref for _, ref in URL.findall(stylesheet.read_text(encoding="utf-8")) if not ref.startswith("data:")
    ]


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_every_url_in_the_stylesheet_names_a_file_that_is_vendored(stylesheet: Path) -> None:
    references = referenced_files(stylesheet)

    assert references, "the parser found no url() at all"
    outside = [ref for ref in references if re.match(r"^[a-z]+:|^//", ref)]
    assert outside == [], "the CSP allows only our own origin"
    missing = sorted(
        {ref for ref in references if not (stylesheet.parent / ref.split("#")[0].split("?")[0]).is_file()}
    )
    assert missing == []


def test_the_vendored_fonts_and_licences_are_there() -> None:
    krds = STATIC / "vendor" / "krds"
    for weight in ("Regular", "Medium", "Bold"):
        font = krds / "fonts" / f"PretendardGOV-{weight}.subset.woff2"
        assert font.read_bytes()[:4] == b"wOF2"
    assert "SIL Open Font License" in (krds / "fonts" / "LICENSE-PretendardGOV.txt").read_text(
        encoding="utf-8"
    )
    assert "ISC License" in (krds / "LICENSE").read_text(encoding="utf-8")


def test_the_vendored_krds_is_rescaled_to_the_readers_default_font_size() -> None:
    css = STYLESHEETS[0].read_text(encoding="utf-8")

    assert "--krds-font-size-base:100%" in css
    assert "62.5%" not in css
    # KRDS's 1.7rem body text at a 10 px root is 1.0625rem at a 16 px root: 17 px either way.
    assert "--krds-pc-font-size-body-medium:1.0625rem" in css


def test_every_krds_token_our_stylesheet_uses_is_defined_by_krds() -> None:
    krds = STYLESHEETS[0].read_text(encoding="utf-8")
    ours = STYLESHEETS[1].read_text(encoding="utf-8")
    used = set(re.findall(r"var\((--krds-[a-z0-9-]+)", ours))

    assert used
    assert sorted(token for token in used if f"{token}:" not in krds) == []


def test_collectstatic_with_the_production_manifest_storage_finds_every_reference(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    (tmp_path / "krds_collect_settings.py").write_text(
        "from config.settings.test import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': "
        "{'BACKEND': 'whitenoise.storage.CompressedManifestStaticFilesStorage'}}\n"
        f"STATIC_ROOT = {str(tmp_path / 'static')!r}\n",
        encoding="utf-8",
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "krds_collect_settings",
        "PYTHONPATH": f"{tmp_path}:{root}",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8")
    assert "vendor/krds/css/krds.min.css" in manifest
    assert "vendor/krds/img/component/icon/ico_flag.svg" in manifest
    assert "vendor/krds/fonts/PretendardGOV-Regular.subset.woff2" in manifest
