"""The gap analysis groups thousands (2,196) and signs gaps with a true minus sign."""

from __future__ import annotations

from django.utils import translation

from sanhak.demand.templatetags.demand_gaps import grouped, signed


def test_gaps_are_signed_and_grouped():
    for language in ("ko", "en"):
        with translation.override(language):
            assert [signed(v) for v in (2196, -2045, 0, 7)] == ["+2,196", "\u22122,045", "0", "+7"]
            assert grouped(1234567) == "1,234,567"
