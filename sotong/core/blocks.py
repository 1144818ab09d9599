"""Blocks that domains put on the resident site without the site importing them.

A domain registers a ``Block`` when its app is ready: the home page shows the ``home`` blocks (the alerts in
force, the latest published answers, …), every resident page the ``banner`` blocks under its header and the
``head`` blocks in its <head>. The site's templates render a region with ``{% blocks "home" %}``
(``sotong_tags``), so the site (pages) never imports a domain and a new module shows on the home page by
registering a block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

REGIONS = ("head", "banner", "home")


@dataclass(frozen=True)
class Block:
    key: str
    region: str
    template: str
    # What the template needs for this request, or None when the block has nothing to show now.
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


_blocks: dict[str, Block] = {}


def register_block(block: Block) -> Block:
    if block.region not in REGIONS:
        raise ValueError(f"unknown region {block.region!r}: one of {', '.join(REGIONS)}")
    _blocks[block.key] = block
    return block


def blocks(region: str) -> list[Block]:
    return sorted((b for b in _blocks.values() if b.region == region), key=lambda b: (b.order, b.key))
