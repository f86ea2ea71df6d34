"""Reference data in the page's language: records carry a Korean name and, mostly, an English one."""

from __future__ import annotations

from django.utils.translation import get_language


def in_language(ko: str, en: str) -> str:
    """`en` on English pages when there is one; otherwise the Korean (the default language)."""
    return en if en and (get_language() or "").startswith("en") else ko
