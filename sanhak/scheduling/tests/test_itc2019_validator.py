"""The validator on hand-made instances: every distribution type, hard constraints and penalties."""

from __future__ import annotations

import pytest

from sanhak.scheduling.itc2019.parser import parse_problem, parse_solution
from sanhak.scheduling.itc2019.validator import ValidationResult, validate

from .itc_factory import C, T, course, problem_xml, solution_xml

MON, TUE, WED = "1000000", "0100000", "0010000"


def check(problem: str, solution: str) -> ValidationResult:
    return validate(parse_problem(problem), parse_solution(solution))


def pair(
    kind: str, a: T, b: T, how: str = "3", room_a: int = 1, room_b: int = 2, rooms: str | None = None
) -> ValidationResult:
    classes = [C(1, [a], [(1, 0), (2, 0)]), C(2, [b], [(1, 0), (2, 0)])]
    extra = {"rooms": rooms} if rooms else {}
    return check(
        problem_xml(classes, distributions=[(kind, how, [1, 2])], **extra),
        solution_xml((1, a, room_a), (2, b, room_b)),
    )


PAIR_CASES = [
    # kind, class 1 time, class 2 time, satisfied
    ("SameStart", T(MON, 10, 10), T(TUE, 10, 20), True),
    ("SameStart", T(MON, 10, 10), T(MON, 12, 10), False),
    ("SameTime", T(MON, 10, 20), T(TUE, 12, 8), True),
    ("SameTime", T(MON, 10, 20), T(MON, 25, 10), False),
    ("DifferentTime", T(MON, 10, 10), T(MON, 20, 10), True),
    ("DifferentTime", T(MON, 10, 10), T(TUE, 15, 10), False),  # days do not matter
    ("SameDays", T("1010000", 10, 10), T(MON, 50, 10), True),
    ("SameDays", T("1010000", 10, 10), T(TUE, 50, 10), False),
    ("DifferentDays", T(MON, 10, 10), T(TUE, 10, 10), True),
    ("DifferentDays", T(MON, 10, 10), T("1100000", 50, 10), False),
    ("SameWeeks", T(MON, 10, 10, "11"), T(TUE, 10, 10, "10"), True),
    ("SameWeeks", T(MON, 10, 10, "10"), T(TUE, 10, 10, "01"), False),
    ("DifferentWeeks", T(MON, 10, 10, "10"), T(MON, 10, 10, "01"), True),
    ("DifferentWeeks", T(MON, 10, 10, "11"), T(TUE, 10, 10, "01"), False),
    ("Overlap", T(MON, 10, 10), T(MON, 15, 10), True),
    ("Overlap", T(MON, 10, 10), T(TUE, 15, 10), False),
    ("NotOverlap", T(MON, 10, 10), T(MON, 20, 10), True),
    ("NotOverlap", T(MON, 10, 10, "10"), T(MON, 15, 10, "11"), False),
    ("Precedence", T(TUE, 50, 10, "10"), T(MON, 0, 10, "01"), True),  # earlier week wins
    ("Precedence", T(TUE, 10, 10), T(MON, 50, 10), False),  # same week, later day
    ("Precedence", T(MON, 10, 10), T(MON, 20, 10), True),
    ("Precedence", T(MON, 10, 10), T(MON, 15, 10), False),  # same day, starts before 1 ends
    ("WorkDay(30)", T(MON, 10, 10), T(MON, 30, 10), True),  # span exactly 30
    ("WorkDay(29)", T(MON, 10, 10), T(MON, 30, 10), False),
    ("WorkDay(5)", T(MON, 10, 10), T(TUE, 100, 10), True),
    ("MinGap(5)", T(MON, 10, 10), T(MON, 25, 10), True),
    ("MinGap(6)", T(MON, 10, 10), T(MON, 25, 10), False),
    ("MinGap(60)", T(MON, 10, 10, "10"), T(MON, 25, 10, "01"), True),  # different weeks
]


@pytest.mark.parametrize(("kind", "a", "b", "satisfied"), PAIR_CASES)
def test_pairwise_time_types(kind: str, a: T, b: T, satisfied: bool) -> None:
    soft = pair(kind, a, b, "3")
    assert soft.valid
    assert soft.distribution == (0 if satisfied else 3)
    assert soft.total == soft.distribution
    hard = pair(kind, a, b, "required")
    assert hard.distribution == 0
    assert hard.valid is satisfied
    assert hard.hard_violations == (() if satisfied else (f"distribution 1 {kind}: violated (1)",))


@pytest.mark.parametrize(
    ("kind", "room_b", "satisfied"),
    [("SameRoom", 1, True), ("SameRoom", 2, False), ("DifferentRoom", 2, True), ("DifferentRoom", 1, False)],
)
def test_room_types(kind: str, room_b: int, satisfied: bool) -> None:
    result = pair(kind, T(MON, 10, 10), T(TUE, 10, 10), "4", room_a=1, room_b=room_b)
    assert (result.valid, result.distribution) == (True, 0 if satisfied else 4)
    assert pair(kind, T(MON, 10, 10), T(TUE, 10, 10), "required", 1, room_b).valid is satisfied


TRAVEL_ROOMS = '<room id="1" capacity="50"><travel room="2" value="5"/></room><room id="2" capacity="50"/>'


@pytest.mark.parametrize(
    ("b", "room_b", "satisfied"),
    [
        (T(MON, 22, 8), 2, False),  # 2 slots after class 1 ends, but the rooms are 5 apart
        (T(MON, 25, 8), 2, True),  # exactly the travel time
        (T(MON, 20, 8), 1, True),  # back to back in the same room
        (T(MON, 15, 8), 2, False),  # overlap
        (T(TUE, 12, 8), 2, True),  # another day
    ],
)
def test_same_attendees_with_travel(b: T, room_b: int, satisfied: bool) -> None:
    result = pair("SameAttendees", T(MON, 10, 10), b, "2", room_a=1, room_b=room_b, rooms=TRAVEL_ROOMS)
    assert (result.valid, result.distribution) == (True, 0 if satisfied else 2)


def test_pairwise_penalty_counts_each_violated_pair() -> None:
    t = T(MON, 10, 10)
    classes = [C(i, [t], [(i, 0)]) for i in (1, 2, 3)]
    rooms = "".join(f'<room id="{i}" capacity="9"/>' for i in (1, 2, 3))
    result = check(
        problem_xml(classes, rooms=rooms, distributions=[("NotOverlap", "2", [1, 2, 3])], weights=(1, 1, 5, 1)),
        solution_xml((1, t, 1), (2, t, 2), (3, t, 3)),
    )
    assert (result.distribution, result.total) == (6, 30)  # 3 pairs × 2, weighted × 5


def aggregate(kind: str, times: list[T], how: str = "3") -> ValidationResult:
    classes = [C(i, [t]) for i, t in enumerate(times, start=1)]
    ids = list(range(1, len(times) + 1))
    return check(
        problem_xml(classes, distributions=[(kind, how, ids)]),
        solution_xml(*[(i, t, None) for i, t in enumerate(times, start=1)]),
    )


@pytest.mark.parametrize(
    ("kind", "times", "penalty"),
    [
        ("MaxDays(2)", [T(MON, 0, 10), T(TUE, 0, 10), T(WED, 0, 10)], 3),  # one day too many × 3
        ("MaxDays(3)", [T(MON, 0, 10), T(TUE, 0, 10), T("0011000", 0, 10)], 3),
        ("MaxDays(3)", [T(MON, 0, 10), T(TUE, 0, 10), T(WED, 0, 10)], 0),
        # load 30 on Monday of both weeks, 5 over each → 3 × 10 / 2 weeks
        ("MaxDayLoad(25)", [T(MON, 0, 10), T(MON, 20, 10), T(MON, 40, 10)], 15),
        ("MaxDayLoad(30)", [T(MON, 0, 10), T(MON, 20, 10), T(MON, 40, 10)], 0),
        # gap 2 joins the first two; the third starts a second block in week 1 only → ⌊3 × 1 / 2⌋
        ("MaxBreaks(0,2)", [T(MON, 0, 10), T(MON, 12, 8), T(MON, 40, 10, "10")], 1),
        ("MaxBreaks(0,2)", [T(MON, 0, 10), T(MON, 12, 8), T(MON, 40, 10)], 3),
        ("MaxBreaks(1,2)", [T(MON, 0, 10), T(MON, 12, 8), T(MON, 40, 10)], 0),
        ("MaxBreaks(0,1)", [T(MON, 0, 10), T(MON, 12, 8)], 3),  # gap 2 > 1
        # a block of two classes 20 slots long, in both weeks → ⌊3 × 2 / 2⌋
        ("MaxBlock(15,2)", [T(MON, 0, 10), T(MON, 12, 8)], 3),
        ("MaxBlock(20,2)", [T(MON, 0, 10), T(MON, 12, 8)], 0),
        ("MaxBlock(15,1)", [T(MON, 0, 10), T(MON, 12, 8)], 0),  # not one block
        ("MaxBlock(15,2)", [T(MON, 0, 30)], 0),  # a single class is not a block
        ("MaxBlock(15,2)", [T(MON, 0, 10, "10"), T(MON, 12, 8, "10")], 1),  # week 1 only: ⌊3 / 2⌋
    ],
)
def test_aggregate_types(kind: str, times: list[T], penalty: int) -> None:
    soft = aggregate(kind, times)
    assert (soft.valid, soft.distribution, soft.total) == (True, penalty, penalty)


@pytest.mark.parametrize(
    ("kind", "times", "violations"),
    [
        ("MaxDays(2)", [T(MON, 0, 10), T(TUE, 0, 10), T(WED, 0, 10)], 1),
        ("MaxDayLoad(25)", [T(MON, 0, 10), T(MON, 20, 10), T(MON, 40, 10)], 10),
        ("MaxBreaks(0,2)", [T(MON, 0, 10), T(MON, 12, 8), T(MON, 40, 10, "10")], 1),
        ("MaxBlock(15,2)", [T(MON, 0, 10, "10"), T(MON, 12, 8, "10")], 1),
    ],
)
def test_required_aggregates_are_hard(kind: str, times: list[T], violations: int) -> None:
    result = aggregate(kind, times, "required")
    assert result.hard_violations == (f"distribution 1 {kind}: violated ({violations})",)
    assert (result.valid, result.distribution) == (False, 0)


def test_room_unavailability() -> None:
    rooms = '<room id="1" capacity="50"><unavailable days="1000000" start="10" length="10" weeks="10"/></room>'
    busy, other_week = T(MON, 15, 10, "11"), T(MON, 15, 10, "01")
    problem = problem_xml([C(1, [busy, other_week], [(1, 0)])], rooms=rooms)
    assert check(problem, solution_xml((1, busy, 1))).hard_violations == ("class 1: room 1 unavailable",)
    assert check(problem, solution_xml((1, other_week, 1))).valid


def test_room_conflicts_need_a_common_day_week_and_slot() -> None:
    a, b, b_later = T(MON, 10, 10, "10"), T(MON, 15, 10, "10"), T(MON, 20, 10, "10")
    other_week, other_day = T(MON, 15, 10, "01"), T(TUE, 15, 10, "10")
    classes = [
        C(1, [a], [(1, 0)]),
        C(2, [b, b_later], [(1, 0)]),
        C(3, [other_week], [(1, 0)]),
        C(4, [other_day], [(1, 0)]),
    ]
    problem = problem_xml(classes, rooms='<room id="1" capacity="50"/>')
    clash = check(problem, solution_xml((1, a, 1), (2, b, 1), (3, other_week, 1), (4, other_day, 1)))
    assert clash.hard_violations == ("room 1: classes 1 and 2 overlap",)
    assert check(problem, solution_xml((1, a, 1), (2, b_later, 1), (3, other_week, 1), (4, other_day, 1))).valid


def test_time_and_room_penalties_are_weighted_in_the_total() -> None:
    t1, t2 = T(MON, 10, 10, penalty=4), T(TUE, 10, 10, penalty=1)
    problem = problem_xml([C(1, [t1, t2], [(1, 7), (2, 2)])], weights=(3, 5, 1, 1))
    result = check(problem, solution_xml((1, t1, 1)))
    assert (result.valid, result.time, result.room, result.total) == (True, 4, 7, 3 * 4 + 5 * 7)


def test_assignment_errors() -> None:
    t, other = T(MON, 10, 10), T(TUE, 10, 10)
    problem = problem_xml([C(1, [t], [(1, 0)]), C(2, [t], [(1, 0)]), C(3, [t]), C(4, [t])])
    result = check(problem, solution_xml((1, other, 1), (2, t, 2), (3, t, 1), (9, t, None)))
    assert result.hard_violations == (
        "class 1: time not allowed",
        "class 2: room 2 not allowed",
        "class 3: needs no room but has room 1",
        "class 9: not in the problem",
        "class 4: not assigned",
    )


def sectioned_problem(limit: int = 2) -> str:
    """Course 1: lectures 11, 12; labs 13 (parent 11), 14 (parent 12). Course 2: one class 21."""
    lec1, lec2 = T(MON, 10, 10), T(TUE, 10, 10)
    lab1, lab2 = T(WED, 10, 10), T(WED, 30, 10)
    c1 = course(
        1,
        [
            [C(11, [lec1], limit=limit), C(12, [lec2], limit=limit)],
            [C(13, [lab1], limit=limit, parent=11), C(14, [lab2], limit=limit, parent=12)],
        ],
    )
    c2 = course(2, [[C(21, [T(MON, 15, 10)], limit=limit)]])
    return problem_xml(courses=[c1, c2], students={1: [1, 2], 2: [1]}, weights=(1, 1, 1, 10))


def sectioned(enrol: dict[int, list[int]]) -> str:
    times = {11: T(MON, 10, 10), 12: T(TUE, 10, 10), 13: T(WED, 10, 10), 14: T(WED, 30, 10), 21: T(MON, 15, 10)}
    return solution_xml(*[(cid, t, None, enrol.get(cid, [])) for cid, t in times.items()])


def test_student_conflicts_are_counted_per_pair_and_weighted() -> None:
    result = check(sectioned_problem(), sectioned({11: [1], 13: [1], 21: [1], 12: [2], 14: [2]}))
    assert (result.valid, result.student, result.total) == (True, 1, 10)  # 11 and 21 overlap on Monday
    result = check(sectioned_problem(), sectioned({12: [1, 2], 14: [1, 2], 21: [1]}))
    assert (result.valid, result.student, result.total) == (True, 0, 0)


def test_student_travel_conflict() -> None:
    rooms = '<room id="1" capacity="9"><travel room="2" value="3"/></room><room id="2" capacity="9"/>'
    classes = [C(1, [T(MON, 10, 10)], [(1, 0)]), C(2, [T(MON, 22, 10)], [(2, 0)])]
    problem = problem_xml(classes, rooms=rooms, students={5: [1, 2]})
    result = check(problem, solution_xml((1, T(MON, 10, 10), 1, [5]), (2, T(MON, 22, 10), 2, [5])))
    assert (result.valid, result.student) == (True, 1)


@pytest.mark.parametrize(
    ("enrol", "violations"),
    [
        ({11: [1], 21: [1], 12: [2], 14: [2]}, ("student 1: subpart 112 has 0 classes",)),
        (
            {11: [1], 14: [1], 21: [1]},
            ("student 1: class 14 without its parent 12", "student 2: course 1 in 0 configurations"),
        ),
        ({11: [1], 13: [1], 12: [2], 14: [2]}, ("student 1: course 2 in 0 configurations",)),
        ({11: [1, 2], 13: [1, 2], 21: [1, 2]}, ("student 2: in class of course 2 not requested",)),
        (
            {11: [1, 2, 3], 13: [1, 2], 21: [1]},
            ("class 11: 3 students over the limit 2", "student 3: not in the problem"),
        ),
    ],
)
def test_sectioning_rules(enrol: dict[int, list[int]], violations: tuple[str, ...]) -> None:
    result = check(sectioned_problem(), sectioned(enrol))
    assert result.hard_violations == violations
