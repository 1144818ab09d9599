from __future__ import annotations

from sotong.connectors.outbox import retry_due_deliveries
from sotong.core.scheduling import every

every("connectors.retry_due_deliveries", retry_due_deliveries, trigger="interval", minutes=1, at_start=True)
