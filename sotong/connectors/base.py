"""The contract every outbound channel implements.

An adapter turns one Delivery into one call to the outside service and returns the service's id for
it. It raises DeliveryError when the call fails, saying whether trying again can help.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sotong.connectors.models import Delivery


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Held(Exception):
    """The channel cannot push now; the message waits until the resident next comes (Kakao without a
    callback). Not a failure: the delivery becomes HELD and is handed over on the next visit."""


class Adapter(Protocol):
    channel: str

    def is_enabled(self) -> bool: ...

    def send(self, delivery: Delivery) -> str:
        """Deliver and return the outside service's id for the message (may be empty)."""
        ...
