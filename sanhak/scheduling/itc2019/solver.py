"""Solve an ITC 2019 problem: a CP-SAT timetable, then student sectioning, then (when students weigh in)
a second timetable pass that keeps apart the classes the sectioning put the same students in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .cpmodel import LAZY_KINDS, Placement, TimetableModel
from .model import ClassAssignment, Lookup, Problem, Solution, build_lookup
from .sectioning import certain_pairs, section_students, shared_pairs
from .semantics import aggregate_excess
from .validator import validate


@dataclass(frozen=True, slots=True)
class Progress:
    phase: str  # "timetable", "students", "done"
    fraction: float  # of the time limit used
    objective: float | None  # best timetable objective so far (weighted, without students)


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class SolveResult:
    solution: Solution
    status: str  # "OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"
    objective: int | None  # weighted total of the returned solution (validator's), None without one
    seconds: float


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, clock: _Clock, phase: str, progress: ProgressCallback | None) -> None:
        super().__init__()
        self.clock, self.phase, self.progress = clock, phase, progress

    def on_solution_callback(self) -> None:
        if self.progress is not None:
            self.progress(Progress(self.phase, self.clock.fraction(), self.objective_value))


@dataclass
class _Clock:
    limit: float
    started: float

    def left(self) -> float:
        return self.limit - (time.monotonic() - self.started)

    def fraction(self) -> float:
        return min(1.0, (time.monotonic() - self.started) / self.limit) if self.limit > 0 else 1.0


def _solve_timetable(
    problem: Problem,
    lookup: Lookup,
    *,
    deadline: float,
    workers: int,
    seed: int,
    clock: _Clock,
    progress: ProgressCallback | None,
    extra_pairs: dict[tuple[int, int], int] | None = None,
    hint: dict[int, Placement] | None = None,
) -> tuple[str, dict[int, Placement] | None]:
    """Solve, then cut off any hard MaxBreaks/MaxBlock violation and solve again while time is left."""
    tt = TimetableModel(problem, lookup, extra_pairs)
    if hint:
        tt.hint(hint)
    status_name, best = "UNKNOWN", None
    while True:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(deadline - time.monotonic(), 1.0)
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = seed
        status = solver.solve(tt.model, _Reporter(clock, "timetable", progress))
        status_name = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        placements = tt.read(solver)
        violated = _violated_lazy(problem, lookup, placements)
        if not violated:
            return status_name, placements
        best = placements
        for class_ids in violated:
            tt.forbid(placements, class_ids)
        tt.hint(placements)
        if deadline - time.monotonic() < 1.0:
            break
    return ("UNKNOWN" if best else status_name), best  # best (if any) still breaks a MaxBreaks/MaxBlock


def _violated_lazy(problem: Problem, lookup: Lookup, placements: dict[int, Placement]) -> list[tuple[int, ...]]:
    result = []
    for dist in problem.distributions:
        if dist.required and dist.kind in LAZY_KINDS:
            times = [lookup.classes[c].times[placements[c].time] for c in dist.class_ids if c in placements]
            if aggregate_excess(dist.kind, dist.params, times, problem.nr_days, problem.nr_weeks):
                result.append(dist.class_ids)
    return result


def _to_solution(
    problem: Problem, placements: dict[int, Placement], sections: dict[int, list[int]], *, runtime: float, workers: int
) -> Solution:
    classes = []
    for spec in problem.iter_classes():
        p = placements.get(spec.id)
        if p is None:
            continue
        t = spec.times[p.time]
        classes.append(
            ClassAssignment(spec.id, t.days, t.start, t.weeks, p.room, tuple(sorted(sections.get(spec.id, []))))
        )
    meta = (
        ("runtime", f"{runtime:.1f}"),
        ("cores", str(workers)),
        ("technique", "CP-SAT and student sectioning"),
        ("author", "sanhak"),
        ("institution", "sanhak"),
        ("country", "South Korea"),
    )
    return Solution(problem.name, problem.nr_days, problem.nr_weeks, tuple(classes), meta)


def placements_from_solution(problem: Problem, solution: Solution) -> dict[int, Placement]:
    """A previous solution as a warm start for :func:`solve` (entries that no longer fit are dropped)."""
    lookup = build_lookup(problem)
    result = {}
    for a in solution.classes:
        spec = lookup.classes.get(a.class_id)
        ti = spec.time_index(a.days, a.start, a.weeks) if spec is not None else None
        if ti is not None:
            result[a.class_id] = Placement(ti, a.room)
    return result


def solve(
    problem: Problem,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    hint: dict[int, Placement] | None = None,
) -> SolveResult:
    clock = _Clock(time_limit, time.monotonic())
    lookup = build_lookup(problem)
    students = bool(problem.students)
    weighted = students and problem.weights.student > 0
    section_budget = min(30.0, 0.1 * time_limit) if students else 0.0
    reserve = min(5.0, 0.05 * time_limit)  # validating and writing the result
    end = clock.started + time_limit - section_budget - reserve
    extra = certain_pairs(problem, lookup) if weighted else None
    status, placements = _solve_timetable(
        problem,
        lookup,
        deadline=end - (time_limit / 2 if weighted else 0.0),
        workers=workers,
        seed=seed,
        clock=clock,
        progress=progress,
        extra_pairs=extra,
        hint=hint,
    )
    if placements is None:
        empty = Solution(problem.name, problem.nr_days, problem.nr_weeks, ())
        return SolveResult(empty, status, None, time.monotonic() - clock.started)

    def finish(found: dict[int, Placement]) -> Solution:
        if progress is not None:
            progress(Progress("students", clock.fraction(), None))
        sections = (
            section_students(problem, lookup, found, time_limit=section_budget, workers=workers) if students else {}
        )
        return _to_solution(problem, found, sections, runtime=time.monotonic() - clock.started, workers=workers)

    best = finish(placements)
    best_total = validate(problem, best).total
    if weighted and end - time.monotonic() > 5:
        sections = {a.class_id: list(a.students) for a in best.classes}
        _, second = _solve_timetable(
            problem,
            lookup,
            deadline=end,
            workers=workers,
            seed=seed,
            clock=clock,
            progress=progress,
            extra_pairs=shared_pairs(sections),
            hint=placements,
        )
        if second is not None:
            candidate = finish(second)
            total = validate(problem, candidate).total
            if total < best_total:
                best, best_total = candidate, total
    if progress is not None:
        progress(Progress("done", 1.0, float(best_total)))
    return SolveResult(best, status, best_total, time.monotonic() - clock.started)
