"""Page changes that alter the menus clear the cached menus (see templatetags.pages_nav) and the kept rendered
pages (see cache)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move


def _menus_changed(**kwargs: Any) -> None:
    from sotong.pages.cache import forget_all
    from sotong.pages.templatetags.pages_nav import nav_changed

    nav_changed()
    forget_all()


def connect() -> None:
    page_published.connect(_menus_changed, dispatch_uid="pages-nav-published")
    page_unpublished.connect(_menus_changed, dispatch_uid="pages-nav-unpublished")
    post_page_move.connect(_menus_changed, dispatch_uid="pages-nav-moved")
    post_delete.connect(_deleted, dispatch_uid="pages-nav-deleted")


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        _menus_changed()
