"""The solver finds the validator's optimum on small instances (checked by brute force)."""

from __future__ import annotations

from itertools import product

import pytest

from sanhak.scheduling.itc2019.model import ClassAssignment, Problem, Solution
from sanhak.scheduling.itc2019.parser import parse_problem, parse_solution
from sanhak.scheduling.itc2019.solver import Progress, placements_from_solution, solve
from sanhak.scheduling.itc2019.validator import validate

from .itc_factory import C, T, problem_xml

MON, TUE, WED = "1000000", "0100000", "0010000"
ROOMS = (
    '<room id="1" capacity="50"><travel room="2" value="4"/>'
    '<unavailable days="0100000" start="0" length="12" weeks="10"/></room><room id="2" capacity="50"/>'
)


def small(distributions: list[tuple[str, str, list[int]]]) -> Problem:
    times = [T(MON, 0, 10, penalty=1), T(MON, 12, 10), T(TUE, 10, 10, "10", penalty=2), T("1010000", 0, 10, penalty=3)]
    classes = [C(i, times, [(1, 0), (2, i)]) for i in (1, 2, 3)]
    return parse_problem(problem_xml(classes, rooms=ROOMS, distributions=distributions, weights=(2, 1, 3, 1)))


def best_by_brute_force(problem: Problem) -> int | None:
    classes = list(problem.iter_classes())
    options = [[(t, r.room) for t in c.times for r in c.rooms] for c in classes]
    best = None
    for combo in product(*options):
        assignments = tuple(
            ClassAssignment(c.id, t.days, t.start, t.weeks, room) for c, (t, room) in zip(classes, combo, strict=True)
        )
        result = validate(problem, Solution(problem.name, problem.nr_days, problem.nr_weeks, assignments))
        if result.valid and (best is None or result.total < best):
            best = result.total
    return best


DISTRIBUTIONS = [
    [],
    [("SameStart", "2", [1, 2, 3])],
    [("SameTime", "required", [1, 2]), ("DifferentTime", "4", [2, 3])],
    [("SameDays", "5", [1, 2, 3])],
    [("DifferentDays", "required", [1, 2])],
    [("SameWeeks", "3", [1, 2]), ("DifferentWeeks", "2", [2, 3])],
    [("Overlap", "required", [1, 2]), ("NotOverlap", "required", [2, 3])],
    [("NotOverlap", "6", [1, 2, 3])],
    [("SameRoom", "required", [1, 2]), ("DifferentRoom", "4", [1, 3])],
    [("SameAttendees", "required", [1, 2, 3])],
    [("SameAttendees", "5", [1, 2, 3])],
    [("Precedence", "required", [3, 1, 2])],
    [("WorkDay(15)", "4", [1, 2, 3])],
    [("MinGap(3)", "required", [1, 2]), ("MinGap(5)", "2", [2, 3])],
    [("MaxDays(1)", "5", [1, 2, 3])],
    [("MaxDays(1)", "required", [1, 2])],
    [("MaxDayLoad(10)", "7", [1, 2, 3])],
    [("MaxDayLoad(10)", "required", [1, 2])],
    [("MaxBreaks(0,2)", "required", [1, 2, 3])],
    [("MaxBlock(15,3)", "required", [1, 2, 3])],
]


@pytest.mark.parametrize("distributions", DISTRIBUTIONS, ids=lambda d: "+".join(f"{k}:{h}" for k, h, _ in d) or "none")
def test_solver_reaches_the_brute_force_optimum(distributions: list[tuple[str, str, list[int]]]) -> None:
    problem = small(distributions)
    expected = best_by_brute_force(problem)
    result = solve(problem, time_limit=10, workers=1)
    checked = validate(problem, result.solution)
    assert checked.valid
    if not any(k.startswith(("MaxBreaks", "MaxBlock")) for k, _, _ in distributions):
        assert checked.total == expected  # MaxBreaks/MaxBlock are cut lazily: valid, not always optimal
    assert result.objective == checked.total


def test_infeasible_problem_reports_no_solution() -> None:
    problem = small([("Overlap", "required", [1, 2]), ("NotOverlap", "required", [1, 2])])
    result = solve(problem, time_limit=10, workers=1)
    assert (result.status, result.objective, result.solution.classes) == ("INFEASIBLE", None, ())


def test_students_are_sectioned_without_conflicts_when_possible() -> None:
    lecture = [T(MON, 10, 10), T(TUE, 10, 10)]
    xml = problem_xml(
        [C(1, lecture, limit=2), C(2, lecture, limit=2), C(3, lecture, limit=2), C(4, [T(MON, 10, 10)], limit=3)],
        students={1: [1, 4], 2: [2, 4], 3: [3, 4], 4: [1, 2]},
        weights=(1, 1, 1, 10),
    )
    problem = parse_problem(xml)
    seen: list[Progress] = []
    result = solve(problem, time_limit=10, workers=1, progress=seen.append)
    checked = validate(problem, result.solution)
    # classes 1–3 must all move to Tuesday; then 1 and 2 clash for student 4
    assert (checked.valid, checked.student, checked.total) == (True, 1, 10)
    assert seen[-1] == Progress("done", 1.0, 10.0)


def test_sectioning_respects_limits_and_parents() -> None:
    from .test_itc2019_validator import sectioned_problem

    problem = parse_problem(sectioned_problem(limit=1))
    checked = validate(problem, solve(problem, time_limit=10, workers=1).solution)
    # student 1 takes course 2 (Monday) so gets lecture 12 (Tuesday); student 2 the other section
    assert (checked.valid, checked.student, checked.total) == (True, 0, 0)


def test_warm_start_from_the_published_lums_solution() -> None:
    from .test_itc2019_command import SHARED

    problem = parse_problem(SHARED / "lums-sum17.xml")
    published = parse_solution(SHARED / "solutions" / "MPPTimetables-solution-lums-sum17.xml")
    hint = placements_from_solution(problem, published)
    assert len(hint) == 20
    checked = validate(problem, solve(problem, time_limit=20, workers=2, hint=hint).solution)
    assert checked.valid
    assert checked.total <= 17
