"""The CP-SAT model of the timetable (times and rooms; students are sectioned afterwards).

One Boolean per (class, time option) and per (class, room option), exactly one of each; a placement
literal per (class, time, room) when a class has several rooms. Room conflicts and hard NotOverlap /
SameAttendees are AtMostOne constraints over maximal cliques of overlapping time patterns; the other
pair constraints forbid the violating option pairs found with :mod:`.semantics`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from .conflicts import NEEDS_SHARED_DAY, PairConflicts, overlap_cliques, pair_conflicts
from .model import Distribution, Lookup, Problem, TimeOption
from .semantics import ATTENDEES, ROOM_PAIR_KINDS, TIME_PAIR_CHECKS, overlaps, room_pair_ok

Lit = cp_model.LiteralT
LAZY_KINDS = frozenset({"MaxBreaks", "MaxBlock"})  # enforced with cuts after solving; not in the objective


@dataclass(frozen=True, slots=True)
class Placement:
    time: int  # index into ClassSpec.times
    room: int | None  # room id


class TimetableModel:
    def __init__(self, problem: Problem, lookup: Lookup, extra_pairs: dict[tuple[int, int], int] | None = None) -> None:
        """``extra_pairs``: class pairs to keep apart (like attendees), with the objective cost of a clash."""
        self.problem = problem
        self.lookup = lookup
        self.model = cp_model.CpModel()
        self.classes = list(problem.iter_classes())
        self.x: dict[int, list[cp_model.IntVar | None]] = {}
        self.y: dict[int, list[cp_model.IntVar]] = {}
        self.z: dict[tuple[int, int, int], Lit] = {}  # (class, time index, room index)
        self.terms: list[tuple[Lit, int]] = []
        self._far: dict[tuple[int, int, int], Lit | None] = {}
        room_travel = self._room_max_travel()
        self._class_travel = {
            c.id: max((room_travel[r.room] for r in c.rooms), default=0) for c in self.classes if c.needs_room
        }
        self._add_variables()
        self._add_room_conflicts()
        for dist in problem.distributions:
            self._add_distribution(dist)
        for (ci, cj), count in (extra_pairs or {}).items():
            if count * problem.weights.student > 0:
                self._add_attendee_pair(ci, cj, count * problem.weights.student)
        self.model.minimize(sum(coef * lit for lit, coef in self.terms))

    # -- variables ---------------------------------------------------------------------------------
    def _free(self, room: int, time: TimeOption) -> bool:
        return not any(overlaps(time, u) for u in self.lookup.unavailable.get(room, ()))

    def _add_variables(self) -> None:
        m, w = self.model, self.problem.weights
        for c in self.classes:
            xs: list[cp_model.IntVar | None] = []
            ys = [m.new_bool_var(f"y{c.id}_{r.room}") for r in c.rooms] if c.needs_room else []
            for ti, t in enumerate(c.times):
                rooms = [ri for ri, r in enumerate(c.rooms) if self._free(r.room, t)] if c.needs_room else []
                if c.needs_room and not rooms:
                    xs.append(None)
                    continue
                xv = m.new_bool_var(f"x{c.id}_{ti}")
                xs.append(xv)
                if t.penalty:
                    self.terms.append((xv, w.time * t.penalty))
                if c.needs_room and len(c.rooms) == 1:
                    self.z[(c.id, ti, 0)] = xv
                elif rooms:
                    zs = [m.new_bool_var(f"z{c.id}_{ti}_{ri}") for ri in rooms]
                    m.add(sum(zs) == xv)
                    self.z.update({(c.id, ti, ri): zv for ri, zv in zip(rooms, zs, strict=True)})
            m.add_exactly_one(v for v in xs if v is not None)
            self.x[c.id] = xs
            if ys:
                m.add_exactly_one(ys)
                self.y[c.id] = ys
                for ri, r in enumerate(c.rooms):
                    if r.penalty:
                        self.terms.append((ys[ri], w.room * r.penalty))
                if len(ys) == 1:
                    m.add(ys[0] == 1)
                else:
                    for ri, yv in enumerate(ys):
                        zs_r = [z for (cid, _, zr), z in self._z_of(c.id) if zr == ri]
                        m.add(sum(zs_r) == yv)

    def _z_of(self, class_id: int) -> Iterable[tuple[tuple[int, int, int], Lit]]:
        spec = self.lookup.classes[class_id]
        for ti in range(len(spec.times)):
            for ri in range(len(spec.rooms)):
                lit = self.z.get((class_id, ti, ri))
                if lit is not None:
                    yield (class_id, ti, ri), lit

    def _room_max_travel(self) -> dict[int, int]:
        result: dict[int, int] = defaultdict(int)
        for (a, _), value in self.lookup.travel.items():
            result[a] = max(result[a], value)
        return result

    # -- cliques -----------------------------------------------------------------------------------
    def _at_most_one_per_clique(self, items: Sequence[tuple[int, TimeOption, Lit]]) -> None:
        """``items``: (class id, time, literal); no two items of different classes may overlap in time."""
        index: dict[tuple[int, int, int, int], int] = {}
        patterns: list[TimeOption] = []
        members: dict[int, list[tuple[int, Lit]]] = defaultdict(list)
        for class_id, time, lit in items:
            pid = index.setdefault(time.pattern, len(patterns))
            if pid == len(patterns):
                patterns.append(time)
            members[pid].append((class_id, lit))
        for clique in overlap_cliques(patterns, self.problem.nr_days, self.problem.nr_weeks):
            chosen = [m for pid in clique for m in members[pid]]
            if len({cid for cid, _ in chosen}) > 1:
                self.model.add_at_most_one(lit for _, lit in chosen)

    def _add_room_conflicts(self) -> None:
        per_room: dict[int, list[tuple[int, TimeOption, Lit]]] = defaultdict(list)
        for (cid, ti, ri), lit in self.z.items():
            spec = self.lookup.classes[cid]
            per_room[spec.rooms[ri].room].append((cid, spec.times[ti], lit))
        for items in per_room.values():
            self._at_most_one_per_clique(items)

    def _time_items(self, class_ids: Iterable[int]) -> list[tuple[int, TimeOption, Lit]]:
        return [
            (cid, self.lookup.classes[cid].times[ti], xv)
            for cid in class_ids
            for ti, xv in enumerate(self.x[cid])
            if xv is not None
        ]

    # -- distributions -----------------------------------------------------------------------------
    def _add_distribution(self, dist: Distribution) -> None:
        ids = [c for c in dist.class_ids if c in self.x]
        cost = 0 if dist.required else dist.penalty * self.problem.weights.distribution
        if not dist.required and cost == 0:
            return
        if dist.kind in LAZY_KINDS:
            return
        if dist.kind in ("MaxDays", "MaxDayLoad"):
            self._add_aggregate(dist, ids)
            return
        if dist.required and dist.kind in ("NotOverlap", ATTENDEES):
            self._at_most_one_per_clique(self._time_items(ids))
            if dist.kind == ATTENDEES:
                for ci, cj in combinations(ids, 2):
                    self._add_travel_conflicts(ci, cj, self._travel_only(ci, cj), None)
            return
        for ci, cj in combinations(ids, 2):
            if dist.kind in ROOM_PAIR_KINDS:
                self._add_room_pair(dist.kind, ci, cj, cost)
            elif dist.kind == ATTENDEES:
                self._add_attendee_pair(ci, cj, cost)
            else:
                check = TIME_PAIR_CHECKS[dist.kind]
                conflicts = pair_conflicts(
                    lambda a, b, check=check: check(a, b, dist.params),  # type: ignore[misc]
                    self.lookup.classes[ci].times,
                    self.lookup.classes[cj].times,
                    shared_day_only=dist.kind in NEEDS_SHARED_DAY,
                )
                self._forbid_pairs(ci, cj, conflicts, cost)

    def _violation(self, cost: int, name: str) -> cp_model.IntVar:
        v = self.model.new_bool_var(name)
        self.terms.append((v, cost))
        return v

    def _pair_travel_bound(self, ci: int, cj: int) -> int:
        """The longest travel time between any rooms the two classes may use (0 without rooms)."""
        if not (self._class_travel.get(ci) and self._class_travel.get(cj)):
            return 0
        a, b = self.lookup.classes[ci], self.lookup.classes[cj]
        return max(self.lookup.travel_time(ra.room, rb.room) for ra in a.rooms for rb in b.rooms)

    def _attendee_conflicts(self, ci: int, cj: int) -> PairConflicts:
        return pair_conflicts(
            lambda a, b: not overlaps(a, b),
            self.lookup.classes[ci].times,
            self.lookup.classes[cj].times,
            shared_day_only=True,
            max_travel=self._pair_travel_bound(ci, cj),
        )

    def _travel_only(self, ci: int, cj: int) -> PairConflicts:
        if not self._pair_travel_bound(ci, cj):
            return PairConflicts([], [])
        return PairConflicts([], self._attendee_conflicts(ci, cj).travel)

    def _add_attendee_pair(self, ci: int, cj: int, cost: int) -> None:
        conflicts = self._attendee_conflicts(ci, cj)
        if not conflicts.always and not conflicts.travel:
            return
        v = None if cost == 0 else self._violation(cost, f"v{ci}_{cj}")
        self._forbid_pairs(ci, cj, PairConflicts(conflicts.always, []), cost, v)
        self._add_travel_conflicts(ci, cj, conflicts, v)

    def _forbid_pairs(self, ci: int, cj: int, conflicts: PairConflicts, cost: int, v: Lit | None = None) -> None:
        """Forbid (or, with a cost, penalise once) choosing any of the violating option pairs."""
        if not conflicts.always:
            return
        if cost and v is None:
            v = self._violation(cost, f"v{ci}_{cj}")
        for first, second, pairs in ((ci, cj, conflicts.always), (cj, ci, [(j, i) for i, j in conflicts.always])):
            bad: dict[int, set[int]] = defaultdict(set)
            for i, j in pairs:
                bad[i].add(j)
            xs_other = self.x[second]
            for i, js in bad.items():
                xi = self.x[first][i]
                if xi is None:
                    continue
                allowed = [xv for j, xv in enumerate(xs_other) if xv is not None and j not in js]
                self.model.add_bool_or([~xi, *allowed, *([v] if v is not None else [])])

    def _far_literal(self, ci: int, cj: int, gap: int) -> Lit | None:
        """A literal implied when the rooms of ``ci`` and ``cj`` are more than ``gap`` slots apart."""
        key = (ci, cj, gap)
        if key in self._far:
            return self._far[key]
        a, b = self.lookup.classes[ci], self.lookup.classes[cj]
        far: Lit | None = None
        for ra_i, ra in enumerate(a.rooms):
            near = [
                self.y[cj][rb_i] for rb_i, rb in enumerate(b.rooms) if self.lookup.travel_time(ra.room, rb.room) <= gap
            ]
            if len(near) == len(b.rooms):
                continue
            if far is None:
                far = self.model.new_bool_var(f"far{ci}_{cj}_{gap}")
            self.model.add_bool_or([~self.y[ci][ra_i], far, *near])
        self._far[key] = far
        return far

    def _add_travel_conflicts(self, ci: int, cj: int, conflicts: PairConflicts, v: Lit | None) -> None:
        for i, j, gap in conflicts.travel:
            xi, xj = self.x[ci][i], self.x[cj][j]
            far = self._far_literal(ci, cj, gap)
            if xi is None or xj is None or far is None:
                continue
            self.model.add_bool_or([~xi, ~xj, ~far, *([v] if v is not None else [])])

    def _add_room_pair(self, kind: str, ci: int, cj: int, cost: int) -> None:
        a, b = self.lookup.classes[ci], self.lookup.classes[cj]
        if not (a.needs_room and b.needs_room):
            return
        bad = [
            (ia, ib)
            for ia, ra in enumerate(a.rooms)
            for ib, rb in enumerate(b.rooms)
            if not room_pair_ok(kind, ra.room, rb.room)
        ]
        if not bad:
            return
        v = self._violation(cost, f"v{ci}_{cj}") if cost else None
        for ia, ib in bad:
            self.model.add_bool_or([~self.y[ci][ia], ~self.y[cj][ib], *([v] if v is not None else [])])

    def _add_aggregate(self, dist: Distribution, ids: list[int]) -> None:
        """MaxDays and MaxDayLoad, exactly (the soft penalty rounds down as the validator's does)."""
        m, p = self.model, self.problem
        items = self._time_items(ids)
        if dist.kind == "MaxDays":
            used = []
            for d in range(p.nr_days):
                lits = [xv for _, t, xv in items if t.days >> d & 1]
                if lits:
                    u = m.new_bool_var(f"day{d}")
                    for lit in lits:
                        m.add_implication(lit, u)
                    used.append(u)
            self._excess(dist, sum(used) - dist.params[0], per_week=False)
            return
        excess = []
        for w in range(p.nr_weeks):
            for d in range(p.nr_days):
                load = [(xv, t.length) for _, t, xv in items if t.days >> d & 1 and t.weeks >> w & 1]
                most = sum(length for _, length in load)
                if most <= dist.params[0]:
                    continue
                total = sum(length * xv for xv, length in load)
                if dist.required:
                    m.add(total <= dist.params[0])
                else:
                    e = m.new_int_var(0, most, f"load{d}_{w}")
                    m.add(e >= total - dist.params[0])
                    excess.append(e)
        if excess:
            self._excess(dist, sum(excess), per_week=True)

    def _excess(self, dist: Distribution, excess: cp_model.LinearExprT, *, per_week: bool) -> None:
        """Hard: ``excess`` ≤ 0. Soft: pay ⌊penalty × excess / weeks⌋ (or penalty × excess) × weight."""
        if dist.required:
            self.model.add(excess <= 0)
            return
        scale = self.problem.nr_weeks if per_week else 1
        q = self.model.new_int_var(0, 10**9, "excess")
        self.model.add(scale * q >= dist.penalty * excess - scale + 1)  # q = ⌊penalty × excess / scale⌋
        self.terms.append((q, self.problem.weights.distribution))

    # -- hints and reading -------------------------------------------------------------------------
    def hint(self, placements: dict[int, Placement]) -> None:
        self.model.clear_hints()
        for c in self.classes:
            chosen = placements.get(c.id)
            for ti, xv in enumerate(self.x[c.id]):
                if xv is not None:
                    self.model.add_hint(xv, chosen is not None and chosen.time == ti)
            for ri, yv in enumerate(self.y.get(c.id, [])):
                self.model.add_hint(yv, chosen is not None and chosen.room == c.rooms[ri].room)
            for (_, ti, ri), lit in self._z_of(c.id):
                if isinstance(lit, cp_model.IntVar) and lit is not self.x[c.id][ti]:
                    self.model.add_hint(
                        lit, chosen is not None and chosen.time == ti and chosen.room == c.rooms[ri].room
                    )

    def forbid(self, placements: dict[int, Placement], class_ids: Sequence[int]) -> None:
        """A cut: these classes may not all keep their current times again."""
        lits = [self.x[c][placements[c].time] for c in class_ids if c in placements]
        self.model.add_bool_or([~lit for lit in lits if lit is not None])

    def read(self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback) -> dict[int, Placement]:
        result = {}
        for c in self.classes:
            ti = next(i for i, xv in enumerate(self.x[c.id]) if xv is not None and solver.boolean_value(xv))
            room = None
            if c.id in self.y:
                ri = next(i for i, yv in enumerate(self.y[c.id]) if solver.boolean_value(yv))
                room = c.rooms[ri].room
            result[c.id] = Placement(ti, room)
        return result
