"""Parsing instances and solutions; writing solutions back."""

from __future__ import annotations

import pytest

from sanhak.common.shared_data import shared_data
from sanhak.scheduling.itc2019.model import ClassAssignment, Distribution, TimeOption
from sanhak.scheduling.itc2019.parser import (
    ParseError,
    bits_to_mask,
    mask_to_bits,
    parse_problem,
    parse_solution,
    parse_type,
    solution_to_xml,
)

from .itc_factory import C, T, problem_xml, solution_xml

SHARED = shared_data("itc2019")


def test_bit_strings_map_the_first_character_to_bit_zero() -> None:
    assert bits_to_mask("1000000") == 1
    assert bits_to_mask("0010000") == 4
    assert mask_to_bits(5, 7) == "1010000"
    with pytest.raises(ParseError):
        bits_to_mask("10x")


def test_distribution_types_and_parameters() -> None:
    assert parse_type("MaxBreaks(2,12)") == ("MaxBreaks", (2, 12))
    assert parse_type("SameAttendees") == ("SameAttendees", ())
    assert Distribution("MaxBlock", (10, 3), False, 1, (1, 2)).type == "MaxBlock(10,3)"
    with pytest.raises(ParseError):
        parse_type("Same Start")


def test_problem_fields() -> None:
    rooms = '<room id="3" capacity="40"><travel room="4" value="2"/><unavailable days="0100000" start="5" length="6" weeks="01"/></room>'
    xml = problem_xml(
        [C(7, [T("1010000", 96, 12, "11", penalty=2)], [(3, 4)], limit=25)],
        rooms=rooms,
        distributions=[("MaxDayLoad(60)", "5", [7])],
        students={9: [7]},
        weights=(2, 1, 20, 0),
    )
    problem = parse_problem(xml)
    assert (problem.nr_days, problem.slots_per_day, problem.nr_weeks) == (7, 288, 2)
    assert (problem.weights.time, problem.weights.distribution) == (2, 20)
    room = problem.rooms[0]
    assert (room.id, room.capacity, room.travel) == (3, 40, ((4, 2),))
    assert room.unavailable == (TimeOption(days=2, start=5, length=6, weeks=2),)
    (spec,) = problem.iter_classes()
    assert (spec.id, spec.limit, spec.course_id, spec.parent, spec.needs_room) == (7, 25, 7, None, True)
    assert spec.times == (TimeOption(days=5, start=96, length=12, weeks=3, penalty=2),)
    assert spec.times[0].end == 108
    assert problem.distributions == (Distribution("MaxDayLoad", (60,), False, 5, (7,)),)
    assert problem.students[0].course_ids == (7,)


def test_solution_round_trip() -> None:
    xml = solution_xml((1, T("0100000", 12, 3, "10"), 4, [5, 6]), (2, T("1000000", 0, 3, "01"), None))
    solution = parse_solution(xml)
    assert solution.classes == (
        ClassAssignment(1, days=2, start=12, weeks=1, room=4, students=(5, 6)),
        ClassAssignment(2, days=1, start=0, weeks=2, room=None, students=()),
    )
    assert dict(solution.meta) == {
        "runtime": "1",
        "cores": "1",
        "technique": "t",
        "author": "a",
        "institution": "i",
        "country": "c",
    }
    written = solution_to_xml(solution)
    assert parse_solution(written) == solution
    assert solution_to_xml(parse_solution(written)) == written


def test_published_solution_round_trip() -> None:
    solution = parse_solution(SHARED / "solutions" / "MPPTimetables-solution-tg-fal17.xml")
    assert (solution.nr_days, solution.nr_weeks, len(solution.classes)) == (7, 14, 711)
    assert parse_solution(solution_to_xml(solution)) == solution


@pytest.mark.parametrize("text", ["<problem", "<solution/>", '<problem name="x"/>'])
def test_malformed_problems_raise_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        parse_problem(text)
