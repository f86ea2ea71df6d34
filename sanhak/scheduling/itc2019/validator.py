"""Check a solution against the hard constraints and score it as the ITC 2019 validator does.

Components (time, room, distribution, student) are unweighted; ``total`` applies the problem's
<optimization> weights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from .model import ClassSpec, Distribution, Lookup, Problem, Solution, TimeOption, build_lookup
from .semantics import (
    AGGREGATE_KINDS,
    ATTENDEES,
    KNOWN_KINDS,
    PARAM_COUNTS,
    ROOM_PAIR_KINDS,
    TIME_PAIR_CHECKS,
    aggregate_excess,
    aggregate_penalty,
    attendees_ok,
    overlaps,
    room_pair_ok,
)


@dataclass(frozen=True, slots=True)
class ValidationResult:
    valid: bool
    hard_violations: tuple[str, ...]
    time: int
    room: int
    distribution: int
    student: int
    total: int

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hard_violations"] = list(self.hard_violations)
        return data


@dataclass(frozen=True, slots=True)
class Placed:
    spec: ClassSpec
    time: TimeOption
    room: int | None
    room_penalty: int


def distribution_cost(
    dist: Distribution, placed: dict[int, Placed], lookup: Lookup, problem: Problem
) -> tuple[int, int]:
    """(number of violations, penalty) of one distribution over the assigned classes.

    Pairwise kinds count violated pairs; aggregate kinds their excess. A required constraint has no penalty.
    """
    members = [placed[c] for c in dist.class_ids if c in placed]
    if dist.kind in AGGREGATE_KINDS:
        times = [p.time for p in members]
        excess = aggregate_excess(dist.kind, dist.params, times, problem.nr_days, problem.nr_weeks)
        violations = excess
        penalty = 0 if dist.required else aggregate_penalty(dist.kind, dist.penalty, excess, problem.nr_weeks)
        return violations, penalty
    violations = sum(1 for a, b in combinations(members, 2) if not pair_ok(dist, a, b, lookup))
    return violations, 0 if dist.required else dist.penalty * violations


def pair_ok(dist: Distribution, a: Placed, b: Placed, lookup: Lookup) -> bool:
    if dist.kind in ROOM_PAIR_KINDS:
        return room_pair_ok(dist.kind, a.room, b.room)
    if dist.kind == ATTENDEES:
        return attendees_ok(a.time, b.time, lookup.travel_time(a.room, b.room))
    return TIME_PAIR_CHECKS[dist.kind](a.time, b.time, dist.params)


class _Checker:
    def __init__(self, problem: Problem, solution: Solution) -> None:
        self.problem = problem
        self.solution = solution
        self.lookup = build_lookup(problem)
        self.hard: list[str] = []
        self.placed: dict[int, Placed] = {}

    def place_classes(self) -> None:
        seen: set[int] = set()
        for a in self.solution.classes:
            spec = self.lookup.classes.get(a.class_id)
            if spec is None:
                self.hard.append(f"class {a.class_id}: not in the problem")
                continue
            if a.class_id in seen:
                self.hard.append(f"class {a.class_id}: assigned twice")
                continue
            seen.add(a.class_id)
            ti = spec.time_index(a.days, a.start, a.weeks)
            if ti is None:
                self.hard.append(f"class {a.class_id}: time not allowed")
                continue
            room_penalty = 0
            if spec.needs_room:
                ri = spec.room_index(a.room) if a.room is not None else None
                if ri is None:
                    self.hard.append(f"class {a.class_id}: room {a.room} not allowed")
                    continue
                room_penalty = spec.rooms[ri].penalty
            elif a.room is not None:
                self.hard.append(f"class {a.class_id}: needs no room but has room {a.room}")
                continue
            self.placed[a.class_id] = Placed(spec, spec.times[ti], a.room if spec.needs_room else None, room_penalty)
        self.hard.extend(f"class {c}: not assigned" for c in self.lookup.classes if c not in seen)

    def check_rooms(self) -> None:
        by_room: dict[int, list[Placed]] = defaultdict(list)
        for p in self.placed.values():
            if p.room is not None:
                by_room[p.room].append(p)
        for room, members in by_room.items():
            for p in members:
                if any(overlaps(p.time, u) for u in self.lookup.unavailable.get(room, ())):
                    self.hard.append(f"class {p.spec.id}: room {room} unavailable")
            members.sort(key=lambda p: p.time.start)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if b.time.start >= a.time.end:
                        break
                    if overlaps(a.time, b.time):
                        self.hard.append(f"room {room}: classes {a.spec.id} and {b.spec.id} overlap")

    def distribution_penalty(self) -> int:
        total = 0
        for index, dist in enumerate(self.problem.distributions, start=1):
            if dist.kind not in KNOWN_KINDS or len(dist.params) != PARAM_COUNTS.get(dist.kind, 0):
                self.hard.append(f"distribution {index}: unknown type {dist.type}")
                continue
            violations, penalty = distribution_cost(dist, self.placed, self.lookup, self.problem)
            if dist.required and violations:
                self.hard.append(f"distribution {index} {dist.type}: violated ({violations})")
            total += penalty
        return total

    def student_penalty(self) -> int:
        enrolled: dict[int, list[int]] = defaultdict(list)
        counts: dict[int, int] = defaultdict(int)
        for a in self.solution.classes:
            for sid in a.students:
                enrolled[sid].append(a.class_id)
                counts[a.class_id] += 1
        for class_id, count in counts.items():
            spec = self.lookup.classes.get(class_id)
            if spec is not None and count > spec.limit:
                self.hard.append(f"class {class_id}: {count} students over the limit {spec.limit}")
        known = {s.id for s in self.problem.students}
        self.hard.extend(f"student {sid}: not in the problem" for sid in enrolled if sid not in known)
        conflicts = 0
        for student in self.problem.students:
            class_ids = enrolled.get(student.id, [])
            self.hard.extend(self.sectioning_errors(student.id, student.course_ids, class_ids))
            conflicts += self.conflicts(class_ids)
        return conflicts

    def sectioning_errors(self, sid: int, course_ids: Sequence[int], class_ids: list[int]) -> list[str]:
        errors: list[str] = []
        attended = set(class_ids)
        by_course: dict[int, list[ClassSpec]] = defaultdict(list)
        for cid in attended:
            spec = self.lookup.classes.get(cid)
            if spec is not None:
                by_course[spec.course_id].append(spec)
        wanted = dict.fromkeys(course_ids)  # in the student's order, without repeats
        errors.extend(f"student {sid}: in class of course {c} not requested" for c in by_course if c not in wanted)
        for course_id in wanted:
            if course_id not in self.lookup.courses:
                errors.append(f"student {sid}: course {course_id} not in the problem")
                continue
            specs = by_course.get(course_id, [])
            configs = {s.config_id for s in specs}
            if len(configs) != 1:
                errors.append(f"student {sid}: course {course_id} in {len(configs)} configurations")
                continue
            config = next(c for c in self.lookup.courses[course_id].configs if c.id in configs)
            for subpart in config.subparts:
                n = sum(1 for s in specs if s.subpart_id == subpart.id)
                if n != 1:
                    errors.append(f"student {sid}: subpart {subpart.id} has {n} classes")
            errors.extend(
                f"student {sid}: class {s.id} without its parent {s.parent}"
                for s in specs
                if s.parent is not None and s.parent not in attended
            )
        return errors

    def conflicts(self, class_ids: list[int]) -> int:
        placed = [self.placed[c] for c in class_ids if c in self.placed]
        return sum(
            1
            for a, b in combinations(placed, 2)
            if not attendees_ok(a.time, b.time, self.lookup.travel_time(a.room, b.room))
        )


def validate(problem: Problem, solution: Solution) -> ValidationResult:
    checker = _Checker(problem, solution)
    checker.place_classes()
    checker.check_rooms()
    time = sum(p.time.penalty for p in checker.placed.values())
    room = sum(p.room_penalty for p in checker.placed.values())
    distribution = checker.distribution_penalty()
    student = checker.student_penalty()
    w = problem.weights
    return ValidationResult(
        valid=not checker.hard,
        hard_violations=tuple(checker.hard),
        time=time,
        room=room,
        distribution=distribution,
        student=student,
        total=w.time * time + w.room * room + w.distribution * distribution + w.student * student,
    )
