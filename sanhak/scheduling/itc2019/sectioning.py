"""Student sectioning for a fixed timetable: every student gets one configuration per course, one class
per subpart, parents included, within class limits, with as few conflicts as possible.

Students asking for the same courses are interchangeable, so a group is sectioned as counts over joint
enrollments (one enrollment per course) in a small CP-SAT model whose objective is the exact number of
student conflicts.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, product

from ortools.sat.python import cp_model

from .cpmodel import Placement
from .model import Config, Course, Lookup, Problem
from .semantics import attendees_ok

Enrollment = tuple[int, ...]  # class ids
MAX_JOINT = 4000


def config_enrollments(config: Config) -> list[Enrollment]:
    """Every choice of one class per subpart whose parents are chosen too."""
    subparts = list(config.subparts)
    owner = {c.id: sp.id for sp in subparts for c in sp.classes}
    order: list[int] = []  # subpart ids, parents first
    pending = {sp.id: {owner[c.parent] for c in sp.classes if c.parent in owner} - {sp.id} for sp in subparts}
    while pending:
        ready = sorted(s for s, deps in pending.items() if not deps - set(order)) or sorted(pending)
        order.append(ready[0])
        del pending[ready[0]]
    by_id = {sp.id: sp for sp in subparts}
    partial: list[Enrollment] = [()]
    for sp_id in order:
        partial = [
            (*chosen, c.id)
            for chosen in partial
            for c in by_id[sp_id].classes
            if c.parent is None or c.parent in chosen or c.parent not in owner
        ]
    return [tuple(sorted(e)) for e in partial]


def course_enrollments(course: Course) -> list[Enrollment]:
    return [e for config in course.configs for e in config_enrollments(config)]


@dataclass
class _Costs:
    lookup: Lookup
    placements: dict[int, Placement]

    def __post_init__(self) -> None:
        self._cache: dict[tuple[int, int], int] = {}

    def clash(self, a: int, b: int) -> int:
        key = (a, b) if a < b else (b, a)
        if key not in self._cache:
            pa, pb = self.placements[a], self.placements[b]
            ta = self.lookup.classes[a].times[pa.time]
            tb = self.lookup.classes[b].times[pb.time]
            self._cache[key] = 0 if attendees_ok(ta, tb, self.lookup.travel_time(pa.room, pb.room)) else 1
        return self._cache[key]

    def within(self, e: Enrollment) -> int:
        return sum(self.clash(a, b) for a, b in combinations(e, 2))

    def across(self, e: Enrollment, f: Enrollment) -> int:
        return sum(self.clash(a, b) for a in e for b in f)


def _joint_options(options: Sequence[list[Enrollment]], costs: _Costs) -> list[tuple[int, tuple[Enrollment, ...]]]:
    """(conflicts, one enrollment per course); all combinations when few, else the cheapest ones plus the
    cheapest completion of every single enrollment (so every class stays reachable for capacity)."""
    size = 1
    for opts in options:
        size *= len(opts)
    if size <= MAX_JOINT:
        return [(_joint_cost(combo, costs), combo) for combo in product(*options)]
    beam: list[tuple[int, tuple[Enrollment, ...]]] = [(0, ())]
    for opts in options:
        grown = [
            (cost + costs.within(e) + sum(costs.across(e, f) for f in combo), (*combo, e))
            for cost, combo in beam
            for e in opts
        ]
        beam = heapq.nsmallest(MAX_JOINT, grown, key=lambda item: item[0])
    result = {combo: cost for cost, combo in beam}
    for k, opts in enumerate(options):
        for e in opts:
            combo = tuple(
                e if i == k else min(other, key=lambda f: costs.within(f) + costs.across(e, f))
                for i, other in enumerate(options)
            )
            result.setdefault(combo, _joint_cost(combo, costs))
    return [(cost, combo) for combo, cost in result.items()]


def _joint_cost(combo: Sequence[Enrollment], costs: _Costs) -> int:
    return sum(costs.within(e) for e in combo) + sum(costs.across(e, f) for e, f in combinations(combo, 2))


def section_students(
    problem: Problem, lookup: Lookup, placements: dict[int, Placement], *, time_limit: float, workers: int
) -> dict[int, list[int]]:
    """class id → student ids."""
    costs = _Costs(lookup, placements)
    enrollments = {c.id: course_enrollments(c) for c in problem.courses}
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for s in problem.students:
        groups[tuple(sorted(set(s.course_ids)))].append(s.id)
    model = cp_model.CpModel()
    load: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    counts: list[tuple[tuple[int, ...], list[tuple[cp_model.IntVar, tuple[Enrollment, ...]]]]] = []
    objective = []
    for key, students in groups.items():
        options = [enrollments.get(k, []) for k in key]
        if any(not o for o in options):
            continue
        entries = []
        for cost, combo in _joint_options(options, costs):
            n = model.new_int_var(0, len(students), "")
            entries.append((n, combo))
            objective.append(cost * n)
            for e in combo:
                for cid in e:
                    load[cid].append((1, n))
        model.add(sum(n for n, _ in entries) == len(students))
        counts.append((key, entries))
    for cid, terms in load.items():
        model.add(sum(n for _, n in terms) <= lookup.classes[cid].limit)
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 1.0)
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    feasible = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    result: dict[int, list[int]] = defaultdict(list)
    for key, entries in counts:
        queue = list(groups[key])
        for n, combo in entries:
            take = solver.value(n) if feasible else (len(queue) if n is entries[0][0] else 0)
            for sid in queue[:take]:
                for e in combo:
                    for cid in e:
                        result[cid].append(sid)
            queue = queue[take:]
    return dict(result)


def shared_pairs(sections: dict[int, list[int]]) -> dict[tuple[int, int], int]:
    """How many students attend both classes of each pair."""
    per_student: dict[int, list[int]] = defaultdict(list)
    for cid, students in sections.items():
        for sid in students:
            per_student[sid].append(cid)
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for classes in per_student.values():
        for a, b in combinations(sorted(classes), 2):
            pairs[(a, b)] += 1
    return dict(pairs)


def certain_pairs(problem: Problem, lookup: Lookup) -> dict[tuple[int, int], int]:
    """Class pairs every requesting student must attend together (courses with a single enrollment)."""
    single = {c.id: e[0] for c in problem.courses if len(e := course_enrollments(c)) == 1}
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for s in problem.students:
        classes = sorted({cid for k in s.course_ids if k in single for cid in single[k]})
        for a, b in combinations(classes, 2):
            pairs[(a, b)] += 1
    return dict(pairs)
