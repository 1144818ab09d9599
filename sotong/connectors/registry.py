"""Which adapter sends which channel, and who handles what arrives on a channel.

Adapters register from ``connectors/<channel>/adapter.py``; a domain registers an inbound handler
(e.g. voice turns an inbound e-mail into a case) without connectors importing the domain.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sotong.connectors.base import Adapter

_adapters: dict[str, Adapter] = {}
_inbound: dict[str, Callable[..., Any]] = {}


def register_adapter(adapter: Adapter) -> Adapter:
    _adapters[adapter.channel] = adapter
    return adapter


def adapter_for(channel: str) -> Adapter | None:
    return _adapters.get(channel)


def register_inbound(channel: str, handler: Callable[..., Any]) -> None:
    _inbound[channel] = handler


def inbound_handler(channel: str) -> Callable[..., Any]:
    try:
        return _inbound[channel]
    except KeyError as exc:
        raise LookupError(f"nothing handles inbound {channel} messages") from exc


def autodiscover() -> None:
    package = Path(__file__).resolve().parent
    for module in pkgutil.iter_modules([str(package)]):
        if module.ispkg and (package / module.name / "adapter.py").exists():
            importlib.import_module(f"sotong.connectors.{module.name}.adapter")
