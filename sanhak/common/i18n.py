"""Languages: reference data in the page's language (records carry a Korean name and, mostly, an English
one), and text that is stored or e-mailed, written in the site's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language


def in_language(ko: str, en: str) -> str:
    """`en` on English pages when there is one; otherwise the Korean (the default language)."""
    return en if en and (get_language() or "").startswith("en") else ko


def in_other_language(ko: str, en: str) -> str:
    """The name `in_language` does not show, as a secondary label: the Korean on English pages, the
    English (if any) on Korean ones."""
    return ko if en and (get_language() or "").startswith("en") else en


class NamedInLanguage:
    """Model mixin for reference data with `name_ko` and `name_en`: `name` in the page's language."""

    name_ko: Any
    name_en: Any

    @property
    def name(self) -> str:
        return in_language(self.name_ko, self.name_en)

    @property
    def name_other(self) -> str:
        return in_other_language(self.name_ko, self.name_en)


def in_site_language() -> translation.override:
    """For text that is stored or sent (notifications, e-mails): the site's language, not the interface
    language of whoever caused it (an English-speaking coordinator deciding on a Korean trainee)."""
    return translation.override(settings.LANGUAGE_CODE)
