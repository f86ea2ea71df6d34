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
