"""Typed, immutable description of an ITC 2019 problem and of a solution.

Days and weeks are bit masks: bit ``i`` is the ``i``-th character of the XML bit string (``"1000000"`` →
Monday → bit 0), so "first day"/"first week" is the lowest set bit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TimeOption:
    """A meeting pattern: the days and weeks it meets, its first slot and its length in slots."""

    days: int
    start: int
    length: int
    weeks: int
    penalty: int = 0

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def pattern(self) -> tuple[int, int, int, int]:
        """The pattern without its penalty: equal patterns behave the same in every constraint."""
        return (self.days, self.start, self.length, self.weeks)


@dataclass(frozen=True, slots=True)
class RoomOption:
    room: int
    penalty: int = 0


@dataclass(frozen=True, slots=True)
class Room:
    id: int
    capacity: int
    travel: tuple[tuple[int, int], ...] = ()  # (other room id, travel slots) as listed on this room
    unavailable: tuple[TimeOption, ...] = ()


@dataclass(frozen=True, slots=True)
class ClassSpec:
    id: int
    limit: int
    course_id: int
    config_id: int
    subpart_id: int
    parent: int | None
    rooms: tuple[RoomOption, ...]
    times: tuple[TimeOption, ...]
    needs_room: bool = True

    def time_index(self, days: int, start: int, weeks: int) -> int | None:
        """The index of the allowed time with these days, start and weeks (a solution omits the length)."""
        for i, t in enumerate(self.times):
            if t.days == days and t.start == start and t.weeks == weeks:
                return i
        return None

    def room_index(self, room: int) -> int | None:
        for i, r in enumerate(self.rooms):
            if r.room == room:
                return i
        return None


@dataclass(frozen=True, slots=True)
class Subpart:
    id: int
    classes: tuple[ClassSpec, ...]


@dataclass(frozen=True, slots=True)
class Config:
    id: int
    subparts: tuple[Subpart, ...]


@dataclass(frozen=True, slots=True)
class Course:
    id: int
    configs: tuple[Config, ...]


@dataclass(frozen=True, slots=True)
class Distribution:
    kind: str  # "SameStart", "MaxBreaks", …
    params: tuple[int, ...]  # (R, S) for MaxBreaks(R,S); () for parameterless types
    required: bool
    penalty: int
    class_ids: tuple[int, ...]

    @property
    def type(self) -> str:
        """The type as written in the XML, e.g. ``MaxBreaks(2,12)``."""
        if not self.params:
            return self.kind
        return f"{self.kind}({','.join(str(p) for p in self.params)})"


@dataclass(frozen=True, slots=True)
class Student:
    id: int
    course_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Weights:
    time: int
    room: int
    distribution: int
    student: int


@dataclass(frozen=True, slots=True)
class Problem:
    name: str
    nr_days: int
    slots_per_day: int
    nr_weeks: int
    weights: Weights
    rooms: tuple[Room, ...]
    courses: tuple[Course, ...]
    distributions: tuple[Distribution, ...]
    students: tuple[Student, ...]

    def iter_classes(self) -> Iterator[ClassSpec]:
        for course in self.courses:
            for config in course.configs:
                for subpart in config.subparts:
                    yield from subpart.classes


@dataclass(frozen=True, slots=True)
class Lookup:
    """Indexes over a problem, built once by :func:`build_lookup`."""

    classes: dict[int, ClassSpec]
    courses: dict[int, Course]
    travel: dict[tuple[int, int], int]  # symmetric
    unavailable: dict[int, tuple[TimeOption, ...]]

    def travel_time(self, room_a: int | None, room_b: int | None) -> int:
        if room_a is None or room_b is None or room_a == room_b:
            return 0
        return self.travel.get((room_a, room_b), 0)


def build_lookup(problem: Problem) -> Lookup:
    travel: dict[tuple[int, int], int] = {}
    for room in problem.rooms:
        for other, value in room.travel:
            travel[(room.id, other)] = value
            travel[(other, room.id)] = value
    return Lookup(
        classes={c.id: c for c in problem.iter_classes()},
        courses={c.id: c for c in problem.courses},
        travel=travel,
        unavailable={r.id: r.unavailable for r in problem.rooms},
    )


@dataclass(frozen=True, slots=True)
class ClassAssignment:
    class_id: int
    days: int
    start: int
    weeks: int
    room: int | None
    students: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Solution:
    name: str
    nr_days: int
    nr_weeks: int
    classes: tuple[ClassAssignment, ...]
    # <solution> attributes other than name, in document order (runtime, cores, technique, author, …)
    meta: tuple[tuple[str, str], ...] = field(default=())
