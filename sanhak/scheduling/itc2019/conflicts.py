"""Which time options clash: overlap cliques and violating option pairs, for building solver models.

Everything here is derived from :mod:`.semantics`, so the solver forbids exactly what the validator flags.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import TimeOption

# kinds whose violation needs the two classes to meet on a common day (index by day to skip the rest)
NEEDS_SHARED_DAY = frozenset({"NotOverlap", "SameAttendees", "MinGap", "WorkDay"})


def overlap_cliques(patterns: Sequence[TimeOption], nr_days: int, nr_weeks: int) -> list[tuple[int, ...]]:
    """Maximal sets of pairwise overlapping patterns (indices), enough to cover every overlapping pair
    (a set may hold a single pattern: classes sharing that pattern clash with each other).

    Per (day, week) the meetings are intervals; the maximal cliques of an interval graph are the sets of
    intervals alive at a start point after which an interval ends before the next start.
    """
    seen_days: set[tuple[int, ...]] = set()
    cliques: set[tuple[int, ...]] = set()
    for w in range(nr_weeks):
        for d in range(nr_days):
            alive = tuple(i for i, p in enumerate(patterns) if p.days >> d & 1 and p.weeks >> w & 1)
            if not alive or alive in seen_days:
                continue
            seen_days.add(alive)
            starts = sorted({patterns[i].start for i in alive})
            for k, s in enumerate(starts):
                members = [i for i in alive if patterns[i].start <= s < patterns[i].end]
                nxt = starts[k + 1] if k + 1 < len(starts) else None
                if members and (nxt is None or min(patterns[i].end for i in members) <= nxt):
                    cliques.add(tuple(sorted(members)))
    return sorted(cliques)


@dataclass(frozen=True, slots=True)
class PairConflicts:
    """Violating option pairs of two classes: always, or only when their rooms are more than ``gap`` apart."""

    always: list[tuple[int, int]]
    travel: list[tuple[int, int, int]]  # (option i, option j, gap in slots)


def _gap(a: TimeOption, b: TimeOption) -> int:
    return max(a.start - b.end, b.start - a.end)


def pair_conflicts(
    check: Callable[[TimeOption, TimeOption], bool],
    times_i: Sequence[TimeOption],
    times_j: Sequence[TimeOption],
    *,
    shared_day_only: bool,
    max_travel: int = 0,
) -> PairConflicts:
    """Option pairs violating ``check``; with ``max_travel`` > 0, ``check`` is the travel-free test and
    pairs ``max_travel`` or fewer slots apart on a common day are reported as travel-dependent."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, t in enumerate(times_j):
        groups[(t.days, t.weeks)].append(j)
    always: list[tuple[int, int]] = []
    travel: list[tuple[int, int, int]] = []
    for i, a in enumerate(times_i):
        for (days, weeks), js in groups.items():
            common = bool(a.days & days) and bool(a.weeks & weeks)
            if shared_day_only and not common:
                continue
            for j in js:
                b = times_j[j]
                if not check(a, b):
                    always.append((i, j))
                elif max_travel and common and 0 <= _gap(a, b) < max_travel:
                    travel.append((i, j, _gap(a, b)))
    return PairConflicts(always, travel)
