"""Korean text as search terms: what a page or answer is indexed under, and what a query looks for."""

from __future__ import annotations


def expand(*parts: str) -> str:
    """The text of ``parts`` as space-separated search terms."""
    return " ".join(p for p in parts if p)
