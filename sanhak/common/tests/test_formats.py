"""Dates and times in each language's convention (sanhak.formats): Korean 2026. 11. 30. on the 24-hour
clock, also in the admin (Django's own Korean format is "2026년 11월 30일 8:33 오후"); English 2026-11-30."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, time_format

MOMENT = dt.datetime(2026, 11, 30, 20, 33)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ko", ("2026. 11. 30.", "2026. 11. 30.", "2026. 11. 30. 20:33", "2026. 11. 30. 20:33", "20:33")),
        ("en", ("Nov 30, 2026", "2026-11-30", "Nov 30, 2026 20:33", "2026-11-30 20:33", "20:33")),
    ],
)
def test_named_formats(language, expected):
    with translation.override(language):
        assert (
            date_format(MOMENT.date()),
            date_format(MOMENT.date(), "SHORT_DATE_FORMAT"),
            date_format(MOMENT, "DATETIME_FORMAT"),
            date_format(MOMENT, "SHORT_DATETIME_FORMAT"),
            time_format(MOMENT.time()),
        ) == expected


def test_a_date_with_its_weekday_as_the_templates_write_it():
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }} ({{ d|date:"D" }})')
    with translation.override("ko"):
        # one syllable, as Korean writes it (locale/ko overrides Django's "월요일")
        assert template.render(Context({"d": MOMENT.date()})) == "2026. 11. 30. (월)"
        assert Template('{{ d|date:"l" }}').render(Context({"d": MOMENT.date()})) == "월요일"
    with translation.override("en"):
        assert template.render(Context({"d": MOMENT.date()})) == "2026-11-30 (Mon)"
