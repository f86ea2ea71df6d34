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


@dataclass(frozen=True, slots=True)
class _Option:
    """A joint enrollment open to one group of students, and its conflicts per student."""

    group: tuple[int, ...]
    classes: tuple[int, ...]
    cost: int


def _group_options(problem: Problem, costs: _Costs) -> tuple[dict[tuple[int, ...], list[int]], list[_Option]]:
    enrollments = {c.id: course_enrollments(c) for c in problem.courses}
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for s in problem.students:
        groups[tuple(sorted(set(s.course_ids)))].append(s.id)
    options: list[_Option] = []
    for key in groups:
        per_course = [enrollments.get(k, []) for k in key]
        if all(per_course):
            options.extend(
                _Option(key, tuple(cid for e in combo for cid in e), cost)
                for cost, combo in _joint_options(per_course, costs)
            )
    return groups, options


def _optimal_counts(
    groups: dict[tuple[int, ...], list[int]], options: list[_Option], lookup: Lookup, time_limit: float, workers: int
) -> list[int] | None:
    """How many students of its group take each option, within class limits, fewest conflicts."""
    model = cp_model.CpModel()
    counts = [model.new_int_var(0, len(groups[o.group]), f"n{i}") for i, o in enumerate(options)]
    per_group: dict[tuple[int, ...], list[cp_model.IntVar]] = defaultdict(list)
    per_class: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for n, o in zip(counts, options, strict=True):
        per_group[o.group].append(n)
        for cid in o.classes:
            per_class[cid].append(n)
    for key, ns in per_group.items():
        model.add(sum(ns) == len(groups[key]))
    for cid, ns in per_class.items():
        model.add(sum(ns) <= lookup.classes[cid].limit)
    model.minimize(sum(o.cost * n for n, o in zip(counts, options, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 1.0)
    solver.parameters.num_workers = workers
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [solver.value(n) for n in counts]


def _greedy_counts(groups: dict[tuple[int, ...], list[int]], options: list[_Option], lookup: Lookup) -> list[int]:
    """Fallback: each student takes the cheapest option with room left (or the cheapest, over the limit)."""
    left = {c.id: c.limit for c in lookup.classes.values()}
    counts = [0] * len(options)
    by_group: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, o in enumerate(options):
        by_group[o.group].append(i)
    for key, indices in by_group.items():
        ranked = sorted(indices, key=lambda i: options[i].cost)
        for _ in groups[key]:
            i = next((i for i in ranked if all(left[c] > 0 for c in options[i].classes)), ranked[0])
            counts[i] += 1
            for c in options[i].classes:
                left[c] -= 1
    return counts


def section_students(
    problem: Problem, lookup: Lookup, placements: dict[int, Placement], *, time_limit: float, workers: int
) -> dict[int, list[int]]:
    """class id → student ids."""
    groups, options = _group_options(problem, _Costs(lookup, placements))
    counts = _optimal_counts(groups, options, lookup, time_limit, workers) or _greedy_counts(groups, options, lookup)
    queues = {key: list(students) for key, students in groups.items()}
    result: dict[int, list[int]] = defaultdict(list)
    for o, count in zip(options, counts, strict=True):
        taking, queues[o.group] = queues[o.group][:count], queues[o.group][count:]
        for cid in o.classes:
            result[cid].extend(taking)
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
