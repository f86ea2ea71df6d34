"""The meaning of ITC 2019 constraints, shared by the validator and the solver.

Pair checks return ``True`` when the pair *satisfies* the constraint. A pair is given in the order the
classes are listed in the distribution (only Precedence cares). Formulas follow the competition rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from .model import TimeOption

PairCheck = Callable[[TimeOption, TimeOption, tuple[int, ...]], bool]


def first_bit(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def share_day(a: TimeOption, b: TimeOption) -> bool:
    """Both meet on a common day of a common week."""
    return bool(a.days & b.days) and bool(a.weeks & b.weeks)


def overlaps(a: TimeOption, b: TimeOption) -> bool:
    return a.start < b.end and b.start < a.end and share_day(a, b)


def apart(a: TimeOption, b: TimeOption, gap: int) -> bool:
    """No common day, or at least ``gap`` slots between them on common days."""
    return not share_day(a, b) or a.end + gap <= b.start or b.end + gap <= a.start


def _same_time(a: TimeOption, b: TimeOption, _: tuple[int, ...]) -> bool:
    return (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)


def _same_days(a: TimeOption, b: TimeOption, _: tuple[int, ...]) -> bool:
    both = a.days | b.days
    return both in (a.days, b.days)


def _same_weeks(a: TimeOption, b: TimeOption, _: tuple[int, ...]) -> bool:
    both = a.weeks | b.weeks
    return both in (a.weeks, b.weeks)


def _precedence(a: TimeOption, b: TimeOption, _: tuple[int, ...]) -> bool:
    wa, wb = first_bit(a.weeks), first_bit(b.weeks)
    if wa != wb:
        return wa < wb
    da, db = first_bit(a.days), first_bit(b.days)
    if da != db:
        return da < db
    return a.end <= b.start


def _work_day(a: TimeOption, b: TimeOption, p: tuple[int, ...]) -> bool:
    return not share_day(a, b) or max(a.end, b.end) - min(a.start, b.start) <= p[0]


TIME_PAIR_CHECKS: dict[str, PairCheck] = {
    "SameStart": lambda a, b, _: a.start == b.start,
    "SameTime": _same_time,
    "DifferentTime": lambda a, b, _: a.end <= b.start or b.end <= a.start,
    "SameDays": _same_days,
    "DifferentDays": lambda a, b, _: not a.days & b.days,
    "SameWeeks": _same_weeks,
    "DifferentWeeks": lambda a, b, _: not a.weeks & b.weeks,
    "Overlap": lambda a, b, _: overlaps(a, b),
    "NotOverlap": lambda a, b, _: not overlaps(a, b),
    "Precedence": _precedence,
    "WorkDay": _work_day,
    "MinGap": lambda a, b, p: apart(a, b, p[0]),
}
ROOM_PAIR_KINDS = frozenset({"SameRoom", "DifferentRoom"})
ATTENDEES = "SameAttendees"
AGGREGATE_KINDS = frozenset({"MaxDays", "MaxDayLoad", "MaxBreaks", "MaxBlock"})
PARAM_COUNTS = {"WorkDay": 1, "MinGap": 1, "MaxDays": 1, "MaxDayLoad": 1, "MaxBreaks": 2, "MaxBlock": 2}
KNOWN_KINDS = frozenset(TIME_PAIR_CHECKS) | ROOM_PAIR_KINDS | {ATTENDEES} | AGGREGATE_KINDS


def room_pair_ok(kind: str, room_a: int | None, room_b: int | None) -> bool:
    """SameRoom/DifferentRoom; a class without a room satisfies both."""
    if room_a is None or room_b is None:
        return True
    return (room_a == room_b) if kind == "SameRoom" else (room_a != room_b)


def attendees_ok(a: TimeOption, b: TimeOption, travel: int) -> bool:
    """SameAttendees, and equally the student-conflict test: no overlap and time to walk between rooms."""
    return apart(a, b, travel)


def _day_blocks(times: Iterable[TimeOption], gap: int) -> list[tuple[int, int, int]]:
    """Merge the meetings of one day into blocks (start, end, count); a gap ≤ ``gap`` keeps a block going."""
    blocks: list[tuple[int, int, int]] = []
    for t in sorted(times, key=lambda t: (t.start, t.end)):
        if blocks and t.start - blocks[-1][1] <= gap:
            start, end, count = blocks[-1]
            blocks[-1] = (start, max(end, t.end), count + 1)
        else:
            blocks.append((t.start, t.end, 1))
    return blocks


def _per_day(times: Sequence[TimeOption], nr_days: int, nr_weeks: int) -> Iterable[list[TimeOption]]:
    for w in range(nr_weeks):
        for d in range(nr_days):
            day = [t for t in times if t.days >> d & 1 and t.weeks >> w & 1]
            if day:
                yield day


def aggregate_excess(
    kind: str, params: tuple[int, ...], times: Sequence[TimeOption], nr_days: int, nr_weeks: int
) -> int:
    """How far the classes' times exceed MaxDays/MaxDayLoad/MaxBreaks/MaxBlock (0 = satisfied)."""
    if kind == "MaxDays":
        days = 0
        for t in times:
            days |= t.days
        return max(days.bit_count() - params[0], 0)
    excess = 0
    for day in _per_day(times, nr_days, nr_weeks):
        if kind == "MaxDayLoad":
            excess += max(sum(t.length for t in day) - params[0], 0)
        elif kind == "MaxBreaks":
            excess += max(len(_day_blocks(day, params[1])) - params[0] - 1, 0)
        else:  # MaxBlock: blocks of more than one class longer than M
            excess += sum(1 for s, e, n in _day_blocks(day, params[1]) if n > 1 and e - s > params[0])
    return excess


def aggregate_penalty(kind: str, penalty: int, excess: int, nr_weeks: int) -> int:
    """Soft penalty of an aggregate constraint; the per-day kinds are averaged over weeks (rounded down)."""
    if kind == "MaxDays":
        return penalty * excess
    return penalty * excess // nr_weeks
