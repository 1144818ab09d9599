"""An alert from an outside feed that is not CAP (기상청 특보, 재난문자), put in CAP's terms by `cap.adapters`
for the alert import to store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ExternalAlert:
    identifier: str
    sender: str
    sent: datetime
    msg_type: str
    event: str
    severity: str
    urgency: str
    headline_ko: str
    description_ko: str
    regions: list[str]
    hazard: str = ""
    references: list[str] = field(default_factory=list)
    # For a feed that does not say which message an update or release refers to (KMA's rows per warning
    # zone): the ending of the identifiers of that zone's messages; the import adds the latest one it
    # holds from the same sender to `references`.
    refers_to_latest: str = ""
    expires: datetime | None = None
    effective: datetime | None = None
    category: str = "Met"
    raw: str = ""
