"""The English catalogue is complete: no entry left fuzzy (a guess gettext does not use) or empty, and
the compiled catalogue says what the source says."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries() -> list[list[str]]:
    """Each entry's lines; the header (Project-Id-Version) and obsolete entries (#~) left out."""
    blocks = [block.strip().split("\n") for block in PO.read_text(encoding="utf-8").split("\n\n")]
    return [
        lines
        for lines in blocks
        if any(line.startswith("msgid ") for line in lines) and not any("Project-Id-Version" in x for x in lines)
    ]


def translations(entry: list[str]) -> list[str]:
    """The msgstr text(s) of an entry, continuation lines joined."""
    out: list[str] = []
    for line in entry:
        if line.startswith("msgstr"):
            out.append(line.split(" ", 1)[1].strip('"'))
        elif line.startswith('"') and out:
            out[-1] += line.strip('"')
    return out


def test_no_fuzzy_or_empty_entry():
    assert [e for e in entries() if any(line.startswith("#,") and "fuzzy" in line for line in e)] == []
    assert [e for e in entries() if "" in translations(e)] == []


def test_compiled_catalogue_is_the_source():
    with translation.override("en"):
        assert translation.gettext(
            "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."
        ) == ("Do not enter a resident registration number.")
        assert translation.gettext("세션") == "Session"


def _help_texts() -> list[tuple[str, object]]:
    """Every help text of the project's model fields and form fields, lazy (translated when read)."""
    import importlib
    import pkgutil

    from django import forms
    from django.apps import apps

    import sanhak

    texts: list[tuple[str, object]] = []
    for model in apps.get_models():
        if model.__module__.startswith("sanhak."):
            texts += [
                (f"{model.__name__}.{f.name}", f.help_text)
                for f in model._meta.get_fields()
                if getattr(f, "help_text", "")
            ]
    for module in pkgutil.walk_packages(sanhak.__path__, "sanhak."):
        if module.name.endswith(".forms"):
            for name, value in vars(importlib.import_module(module.name)).items():
                if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.name:
                    texts += [
                        (f"{name}.{f}", field.help_text) for f, field in value.base_fields.items() if field.help_text
                    ]
    return texts


def test_help_texts_speak_one_language():
    """A help text says its thing in the page's language: Korean pages carry no English after a slash
    (that is for error messages, which must be understood whatever the page's language), English
    pages no Korean."""
    import re

    texts = _help_texts()
    assert len(texts) > 20
    with translation.override("ko"):
        assert [(name, str(text)) for name, text in texts if re.search(r" / [A-Za-z]{2}", str(text))] == []
    with translation.override("en"):
        assert [(name, str(text)) for name, text in texts if re.search("[가-힣]", str(text))] == []
