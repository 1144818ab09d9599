"""The address residents write to, and its plus-addresses (sotong+2026-000123@…) that carry a tag back
to us when a resident answers one of our messages."""

from __future__ import annotations

import re
from email.utils import getaddresses, parseaddr

from django.conf import settings

# What may follow the '+': a case number and the like, nothing that needs quoting.
_TAG = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def inbound_address() -> str:
    return str(settings.VOICE_INBOUND_ADDRESS).strip().lower()


def tagged_address(tag: str) -> str:
    """The inbound address with ``tag`` after a '+' (the plain address when the tag cannot be used)."""
    local, _, domain = inbound_address().partition("@")
    return f"{local}+{tag}@{domain}" if _TAG.match(tag) else inbound_address()


def tag_of(address: str) -> str | None:
    """'' for the inbound address itself, the tag for one of its plus-addresses, None for anyone else."""
    address = parseaddr(address)[1].strip().lower()
    local, _, domain = address.rpartition("@")
    ours_local, _, ours_domain = inbound_address().partition("@")
    if not local or domain != ours_domain:
        return None
    if local == ours_local:
        return ""
    base, plus, tag = local.partition("+")
    if plus and base == ours_local and _TAG.match(tag):
        return tag
    return None


def tags_in(headers: list[str]) -> list[str]:
    """The plus-address tags of our address among the addresses in these header values (To, Cc…)."""
    tags = []
    for _, address in getaddresses(headers):
        tag = tag_of(address)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def display_name() -> str:
    """The name our mail goes out under (from DEFAULT_FROM_EMAIL)."""
    return parseaddr(str(settings.DEFAULT_FROM_EMAIL))[0]
