"""The one rule for choosing a translated field: Korean first, English and Simplified Chinese for residents.

Translated fields are stored side by side as ``<field>_ko``, ``<field>_en`` and ``<field>_zh``; a missing
translation falls back to Korean.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

# The language suffixes of translated fields, to Django's language codes.
DJANGO_LANGUAGES = {"ko": "ko", "en": "en", "zh": "zh-hans"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def language_suffix(language: str | None = None) -> str:
    """``ko``, ``en`` or ``zh`` for a language code (the active language when none is given).

    Any English (en, en-us) reads English, any Chinese (zh, zh-hans, zh-cn) Simplified Chinese, and
    everything else Korean."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    if code.startswith("en"):
        return "en"
    if code.startswith("zh"):
        return "zh"
    return "ko"


def localised(source: Any, field: str, *, language: str | None = None) -> str:
    """``source.<field>_<language>``, falling back to the Korean value.

    ``source`` is a model instance (attributes) or a mapping such as a JSON attribute; a mapping may also
    hold the untranslated ``field`` itself as the last fallback."""
    suffix = language_suffix(language)
    keys = [f"{field}_{suffix}", f"{field}_ko"] if suffix != "ko" else [f"{field}_ko"]
    if isinstance(source, Mapping):
        keys.append(field)
        values = [source.get(key) for key in keys]
    else:
        values = [getattr(source, key, None) for key in keys]
    for value in values:
        if value not in (None, ""):
            return str(value)
    return ""


def text_language(text: str) -> str:
    """The language a resident wrote in, by its script: ``ko`` for any Hangul, ``zh`` for Chinese
    characters without Hangul, ``en`` otherwise."""
    if HANGUL.search(text):
        return "ko"
    if HAN.search(text):
        return "zh"
    return "en"
