"""One Korean morphological analyser (Kiwi) per process, shared by routing, site search and proposals.

Kiwi's model takes about a second to load and a few hundred megabytes once it has analysed a word; each
domain loading its own would hold two or three copies in a process that serves them all. Kiwi is not safe for
concurrent calls from threads: every caller holds ``KIWI_LOCK`` while it calls ``kiwi()``.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

KIWI_LOCK = threading.Lock()


@functools.cache
def kiwi() -> Any:
    # Imported on first use: most processes (the scheduler, the 소통TV ingest) never analyse Korean.
    from kiwipiepy import Kiwi

    return Kiwi()
