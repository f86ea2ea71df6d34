"""The equipment pages in English: equipment types and institutions by their English names."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_equipment_list_and_detail_in_english(client, labs, personas):
    client.cookies["django_language"] = "en"
    listing = client.get(reverse("labs:equipment_list")).content.decode()
    assert f'<option value="{personas.lead.pk}">Incheon National University</option>' in listing
    assert "인천대학교" not in listing
    detail = client.get(reverse("labs:equipment_detail", args=[labs.robot.pk])).content.decode()
    assert f"<dd>{labs.robot.type.name_en}</dd>" in detail
    assert (
        "<dd>Incheon National University · 스마트팩토리 실습실 (공학관 B101)</dd>" in detail
    )  # the lab's own name is data

    client.cookies["django_language"] = "ko"
    listing = client.get(reverse("labs:equipment_list")).content.decode()
    assert f'<option value="{personas.lead.pk}">인천대학교</option>' in listing
