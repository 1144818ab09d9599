"""Set translations for given msgids in the catalogues and compile them (for small fixes by hand).

python scripts/translate_entries.py en '월=Mon' '화=Tue'
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "sotong" / "locale"


def main() -> int:
    locale, pairs = sys.argv[1], sys.argv[2:]
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    wanted = dict(pair.split("=", 1) for pair in pairs)
    for entry in po:
        if entry.msgid in wanted:
            entry.msgstr = wanted[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
    po.save(str(path))
    po.save_as_mofile(str(path.with_suffix(".mo")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
