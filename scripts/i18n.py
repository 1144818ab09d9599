"""Translations of Sotong's own strings. Source strings (msgids) are Korean; catalogues exist for
English (en) and Simplified Chinese (zh_Hans).

    python scripts/i18n.py --update   # extract new strings into the .po files and compile the .mo files
    python scripts/i18n.py --check    # fail if a string is untranslated or fuzzy, a .mo is stale, or
                                      # (with GNU gettext installed) the sources hold strings not yet extracted
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "sotong" / "locale"
LOCALES = ["en", "zh_Hans"]
# Kept by hand, never extracted: Korean for the few of Wagtail's own admin strings whose Korean is missing or
# names Wagtail (our msgids are Korean already). Compiled and checked like the others.
HAND_KEPT = ["ko"]
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    *(f"--locale={code}" for code in LOCALES),
    "--ignore=.venv/*",
    "--ignore=var/*",
    "--ignore=tests/*",
    "--ignore=*/tests/*",
    "--ignore=bench/*",
    "--no-obsolete",
    "--add-location=never",
]


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / "django.po"


def extract() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(MAKEMESSAGES, cwd=ROOT, env=env, check=True, capture_output=True)


def compile_all() -> None:
    for code in LOCALES + HAND_KEPT:
        po = polib.pofile(str(po_path(code)))
        po.save_as_mofile(str(po_path(code).with_suffix(".mo")))


def problems() -> list[str]:
    found: list[str] = []
    for code in LOCALES + HAND_KEPT:
        path = po_path(code)
        if not path.exists():
            found.append(f"{path}: missing")
            continue
        po = polib.pofile(str(path))
        for entry in po.untranslated_entries():
            found.append(f"{code}: untranslated: {entry.msgid!r}")
        for entry in po.fuzzy_entries():
            found.append(f"{code}: fuzzy: {entry.msgid!r}")
        mo_path = path.with_suffix(".mo")
        if not mo_path.exists():
            found.append(f"{mo_path}: missing (run scripts/i18n.py --update)")
            continue
        compiled = {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in polib.mofile(str(mo_path))
        }
        source = {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in po.translated_entries()
        }
        if {k: v for k, v in compiled.items() if k[1]} != source:
            found.append(f"{mo_path}: out of date with {path.name} (run scripts/i18n.py --update)")
    return found


def unextracted() -> list[str]:
    """Strings in the sources that the .po files lack (needs GNU gettext's xgettext)."""
    if shutil.which("xgettext") is None:
        print("i18n: GNU gettext is not installed; skipping the extraction check (CI runs it).")
        return []
    with tempfile.TemporaryDirectory() as saved:
        backup = Path(saved) / "locale"
        shutil.copytree(LOCALE_DIR, backup)
        try:
            before = {code: {e.msgid for e in polib.pofile(str(po_path(code)))} for code in LOCALES}
            extract()
            after = {code: {e.msgid for e in polib.pofile(str(po_path(code)))} for code in LOCALES}
        finally:
            shutil.rmtree(LOCALE_DIR)
            shutil.copytree(backup, LOCALE_DIR)
    found = []
    for code in LOCALES:
        for msgid in sorted(after[code] - before[code]):
            found.append(f"{code}: not extracted yet: {msgid!r} (run scripts/i18n.py --update)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--update", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.update:
        extract()
        compile_all()
        remaining = problems()
        print("\n".join(remaining) if remaining else "All strings translated and compiled.")
        return 0
    found = problems() + unextracted()
    if found:
        print("\n".join(found))
        print(f"{len(found)} translation problem(s).")
        return 1
    print("Translations complete and compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
