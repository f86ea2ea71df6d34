"""``manage.py itc2019``: validate the published solutions, solve, and refuse bad input."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sanhak.common.shared_data import shared_data

SHARED = shared_data("itc2019")


def run(*args: str) -> dict:
    out = StringIO()
    call_command("itc2019", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_validate_published_lums_sum17() -> None:
    result = run(
        "validate", str(SHARED / "lums-sum17.xml"), str(SHARED / "solutions" / "MPPTimetables-solution-lums-sum17.xml")
    )
    assert result == {
        "valid": True,
        "hard_violations": [],
        "time": 0,
        "room": 17,
        "distribution": 0,
        "student": 0,
        "total": 17,
    }


def test_validate_published_tg_fal17_components_are_unweighted() -> None:
    """The published 1792 (time) and 30 (room) are the unweighted components; tg-fal17 weighs time ×2,
    room ×1 and distribution ×20, so the weighted total is 2 × 1792 + 30 + 20 × 158 = 6774."""
    result = run(
        "validate", str(SHARED / "tg-fal17.xml"), str(SHARED / "solutions" / "MPPTimetables-solution-tg-fal17.xml")
    )
    assert result == {
        "valid": True,
        "hard_violations": [],
        "time": 1792,
        "room": 30,
        "distribution": 158,
        "student": 0,
        "total": 6774,
    }


def test_solve_lums_sum17(tmp_path: Path) -> None:
    out = tmp_path / "lums.xml"
    result = run("solve", str(SHARED / "lums-sum17.xml"), "--time-limit", "20", "--out", str(out), "--workers", "2")
    assert result["valid"] is True
    assert result["hard_violations"] == []
    assert result["total"] <= 17
    assert run("validate", str(SHARED / "lums-sum17.xml"), str(out)) == result


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"문제 파일이 없습니다 / instance file not found"):
        run("validate", str(tmp_path / "none.xml"), str(tmp_path / "none2.xml"))


def test_malformed_xml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<problem><rooms>", encoding="utf-8")
    with pytest.raises(CommandError, match=r"올바르지 않습니다 / invalid ITC 2019 instance XML"):
        run("validate", str(bad), str(bad))
    with pytest.raises(CommandError, match=r"해답 XML이 올바르지 않습니다 / invalid ITC 2019 solution XML"):
        run("validate", str(SHARED / "lums-sum17.xml"), str(bad))


def test_solve_rejects_a_non_positive_time_limit(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--time-limit"):
        run("solve", str(SHARED / "lums-sum17.xml"), "--time-limit", "0", "--out", str(tmp_path / "x.xml"))
