"""A term's offline sessions as an ITC 2019 problem, and the solver's answer back as proposed sessions.

The grid: 7 days (Monday = day 0), 5-minute slots (288 a day), sessions start on the hour (half-hour
starts doubled the model and delayed the first timetable of a 300-offering term from 12 s to 40 s).
Weeks are the calendar weeks of the term, from the Monday of the earliest offering's start.

- Each weekly session of an offering is one ITC class. Its allowed times are the cohort's windows
  (incumbent workers: weekdays 19:00–22:00 or Saturday 09:00–18:00; students: weekdays 09:00–18:00),
  kept only where every instructor of the offering is available (no availability rows = any time) and
  where no instructor already teaches another offering (sessions outside the problem).
- A time's weeks are the weeks in which that weekday falls inside the offering's dates and is **not a
  Korean public holiday**: on a holiday the session is skipped (the accepted timetable has no session
  that day, and the result lists the skipped dates), so holidays never cause conflicts either.
- Rooms: active rooms of the offering's institution with capacity ≥ the offering's capacity, labs
  exactly when the plan needs a lab; the closest fits are kept (at most ``MAX_ROOMS``), a bigger room
  costs a small penalty. Travel between campuses (``CampusTravel``; distinct campuses without a row:
  ``DEFAULT_TRAVEL_MINUTES``) becomes ITC room travel. A room is unavailable where another offering's
  session already uses it (a session's room text equal to the room's label) and, for a lab, where its
  equipment is booked.
- Hard distributions: SameAttendees (no overlap, travel time respected) among the classes of one
  offering, of one instructor, and of one cohort group of an institution. Soft: DifferentDays between
  the classes of one offering.

Before solving, :func:`precheck` explains in plain Korean (and English) what makes a problem
impossible: sessions without any allowed time or room, instructors or cohort groups with more weekly
hours than their windows hold, more lab/room hours than the rooms have, sessions whose every room is
already taken at every allowed time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from sanhak.labs.rules import holiday_name

from .itc2019.model import (
    ClassSpec,
    Config,
    Course,
    Distribution,
    Problem,
    Room,
    RoomOption,
    Solution,
    Subpart,
    TimeOption,
    Weights,
)
from .itc2019.semantics import overlaps
from .messages import Message, message

SLOT_MINUTES = 5
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
GRID_MINUTES = 60
MAX_ROOMS = 6
DEFAULT_TRAVEL_MINUTES = 30

# (weekday, start minute, end minute)
Window = tuple[int, int, int]


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True, slots=True)
class Options:
    """Constraints a coordinator may adjust before re-running."""

    students_saturday: bool = False
    widen_minutes: int = 0  # every window opens this much earlier and closes this much later
    exclude_rooms: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Options:
        data = data or {}
        return cls(
            students_saturday=bool(data.get("students_saturday", False)),
            widen_minutes=max(0, min(int(data.get("widen_minutes", 0) or 0), 180)),
            exclude_rooms=tuple(sorted(int(r) for r in data.get("exclude_rooms", ()) or ())),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "students_saturday": self.students_saturday,
            "widen_minutes": self.widen_minutes,
            "exclude_rooms": list(self.exclude_rooms),
        }


def cohort_windows(cohort: str, options: Options) -> list[Window]:
    if cohort == "incumbent":
        windows = [(d, 19 * 60, 22 * 60) for d in range(5)] + [(5, 9 * 60, 18 * 60)]
    else:
        windows = [(d, 9 * 60, 18 * 60) for d in range(5)]
        if options.students_saturday:
            windows.append((5, 9 * 60, 18 * 60))
    w = options.widen_minutes
    return [(d, max(0, s - w), min(24 * 60, e + w)) for d, s, e in windows]


# -- plain data the builder works on (loaded from the database by services, or made by tests/bench) --


@dataclass(frozen=True, slots=True)
class RoomData:
    id: int
    institution_id: int
    campus: str
    label: str
    capacity: int
    is_lab: bool
    facility_id: int | None = None


@dataclass(frozen=True, slots=True)
class OfferingData:
    id: int
    title: str
    institution_id: int
    start_date: dt.date
    end_date: dt.date
    capacity: int
    instructor_ids: tuple[int, ...]
    weekly_sessions: int
    session_minutes: int
    cohort: str
    cohort_group: str = ""
    needs_lab: bool = False


@dataclass(slots=True)
class TermData:
    term: str
    offerings: list[OfferingData]
    rooms: list[RoomData]
    instructor_names: dict[int, str] = field(default_factory=dict)
    availability: dict[int, list[Window]] = field(default_factory=dict)  # instructor → windows
    busy: dict[int, list[tuple[dt.date, int, int]]] = field(default_factory=dict)  # instructor → sessions
    travel: dict[tuple[str, str], int] = field(default_factory=dict)  # (campus, campus) → minutes
    room_busy: dict[int, list[tuple[dt.date, int, int]]] = field(default_factory=dict)  # room → taken times


@dataclass(frozen=True, slots=True)
class ClassInfo:
    offering_id: int
    index: int  # 0-based: the offering's n-th weekly session


@dataclass(slots=True)
class Built:
    problem: Problem
    monday: dt.date
    classes: dict[int, ClassInfo]
    data: TermData
    options: Options
    issues: list[Message]  # why the problem cannot be solved (empty: nothing found before solving)


# -- building --------------------------------------------------------------------------------------


def _week_mask(monday: dt.date, weekday: int, start: dt.date, end: dt.date, nr_weeks: int) -> int:
    mask = 0
    for w in range(nr_weeks):
        day = monday + dt.timedelta(days=7 * w + weekday)
        if start <= day <= end and holiday_name(day) is None:
            mask |= 1 << w
    return mask


def _fits(windows: Iterable[Window], day: int, start: int, end: int) -> bool:
    return any(d == day and s <= start and end <= e for d, s, e in windows)


def _busy_clash(
    busy: list[tuple[dt.date, int, int]], monday: dt.date, day: int, weeks: int, span: tuple[int, int]
) -> bool:
    start, end = span
    for date, s, e in busy:
        offset = (date - monday).days
        if offset < 0 or offset % 7 != day:
            continue
        if weeks >> (offset // 7) & 1 and s < end and start < e:
            return True
    return False


def _times(o: OfferingData, data: TermData, options: Options, monday: dt.date, nr_weeks: int) -> list[TimeOption]:
    length = o.session_minutes
    result = []
    for day, w_start, w_end in cohort_windows(o.cohort, options):
        weeks = _week_mask(monday, day, o.start_date, o.end_date, nr_weeks)
        if not weeks:
            continue
        start = -(-w_start // GRID_MINUTES) * GRID_MINUTES
        while start + length <= w_end:
            end = start + length
            ok = all(
                (i not in data.availability or _fits(data.availability[i], day, start, end))
                and not _busy_clash(data.busy.get(i, []), monday, day, weeks, (start, end))
                for i in o.instructor_ids
            )
            if ok:
                penalty = 1 if start % 60 else 0  # on the hour reads better
                result.append(TimeOption(1 << day, start // SLOT_MINUTES, length // SLOT_MINUTES, weeks, penalty))
            start += GRID_MINUTES
    return result


def _rooms(o: OfferingData, rooms: list[RoomData], options: Options) -> list[RoomOption]:
    fit = sorted(
        (
            r
            for r in rooms
            if r.institution_id == o.institution_id
            and r.is_lab == o.needs_lab
            and r.capacity >= o.capacity
            and r.id not in options.exclude_rooms
        ),
        key=lambda r: (r.capacity, r.id),
    )[:MAX_ROOMS]
    return [RoomOption(r.id, (r.capacity - o.capacity) // 10) for r in fit]


def _travel(data: TermData) -> dict[int, tuple[tuple[int, int], ...]]:
    """ITC room travel (slots), listed once per pair on the lower room id."""
    result: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rooms = sorted(data.rooms, key=lambda r: r.id)
    for i, a in enumerate(rooms):
        for b in rooms[i + 1 :]:
            if a.campus == b.campus:
                continue
            minutes = data.travel.get((a.campus, b.campus), data.travel.get((b.campus, a.campus)))
            minutes = DEFAULT_TRAVEL_MINUTES if minutes is None else minutes
            if minutes > 0:
                result[a.id].append((b.id, -(-minutes // SLOT_MINUTES)))
    return {k: tuple(v) for k, v in result.items()}


def _unavailable(busy: list[tuple[dt.date, int, int]], monday: dt.date, nr_weeks: int) -> tuple[TimeOption, ...]:
    """Times a room is already taken (other sessions, lab bookings) as ITC room unavailabilities."""
    result = set()
    for date, start, end in busy:
        offset = (date - monday).days
        if 0 <= offset < 7 * nr_weeks and end > start:
            first = start // SLOT_MINUTES
            result.add(TimeOption(1 << (offset % 7), first, -(-end // SLOT_MINUTES) - first, 1 << (offset // 7)))
    return tuple(sorted(result, key=lambda t: (t.weeks, t.days, t.start)))


def build(data: TermData, options: Options | None = None, *, relax: frozenset[str] = frozenset()) -> Built:
    """``relax``: kinds of shared-attendee groups to leave out ("instructor", "cohort"), for diagnosis."""
    options = options or Options()
    if data.offerings:
        first = min(o.start_date for o in data.offerings)
        last = max(o.end_date for o in data.offerings)
    else:
        first = last = dt.date.today()
    monday = first - dt.timedelta(days=first.weekday())
    nr_weeks = (last - monday).days // 7 + 1
    courses, classes = [], {}
    by_offering: dict[int, list[int]] = defaultdict(list)
    next_id = 1
    for o in sorted(data.offerings, key=lambda o: o.id):
        times = tuple(_times(o, data, options, monday, nr_weeks))
        room_options = tuple(_rooms(o, data.rooms, options))
        specs = []
        for k in range(o.weekly_sessions):
            specs.append(ClassSpec(next_id, o.capacity, o.id, o.id, o.id, None, room_options, times))
            classes[next_id] = ClassInfo(o.id, k)
            by_offering[o.id].append(next_id)
            next_id += 1
        courses.append(Course(o.id, (Config(o.id, (Subpart(o.id, tuple(specs)),)),)))
    distributions = []
    for ids in by_offering.values():
        if len(ids) > 1:
            distributions.append(Distribution("SameAttendees", (), True, 0, tuple(ids)))
            distributions.append(Distribution("DifferentDays", (), False, 2, tuple(ids)))
    for (kind, _key), ids in _groups(data, by_offering).items():
        if len(ids) > 1 and kind not in relax:
            distributions.append(Distribution("SameAttendees", (), True, 0, tuple(sorted(ids))))
    travel = _travel(data)
    rooms = tuple(
        Room(r.id, r.capacity, travel.get(r.id, ()), _unavailable(data.room_busy.get(r.id, []), monday, nr_weeks))
        for r in sorted(data.rooms, key=lambda r: r.id)
    )
    problem = Problem(
        name=f"sanhak-{data.term}",
        nr_days=7,
        slots_per_day=SLOTS_PER_DAY,
        nr_weeks=nr_weeks,
        weights=Weights(time=1, room=1, distribution=1, student=0),
        rooms=rooms,
        courses=tuple(courses),
        distributions=tuple(distributions),
        students=(),
    )
    built = Built(problem, monday, classes, data, options, [])
    built.issues = precheck(built)
    return built


def _groups(data: TermData, by_offering: dict[int, list[int]]) -> dict[tuple[str, Any], list[int]]:
    """Classes that share attendees: per instructor, and per cohort group of an institution."""
    groups: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for o in data.offerings:
        for i in o.instructor_ids:
            groups[("instructor", i)].extend(by_offering[o.id])
        if o.cohort_group:
            groups[("cohort", (o.institution_id, o.cohort_group))].extend(by_offering[o.id])
    return groups


# -- explaining infeasibility ----------------------------------------------------------------------


def _union_minutes(intervals: Iterable[tuple[int, int, int]]) -> int:
    """Minutes covered by (day, start, end) intervals in one week."""
    per_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for d, s, e in intervals:
        per_day[d].append((s, e))
    total = 0
    for spans in per_day.values():
        spans.sort()
        cur_s, cur_e = spans[0]
        for s, e in spans[1:]:
            if s > cur_e:
                total += cur_e - cur_s
                cur_s, cur_e = s, e
            else:
                cur_e = max(cur_e, e)
        total += cur_e - cur_s
    return total


def _spans(times: Iterable[TimeOption]) -> list[tuple[int, int, int]]:
    return [((t.days & -t.days).bit_length() - 1, t.start * SLOT_MINUTES, t.end * SLOT_MINUTES) for t in times]


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def precheck(built: Built) -> list[Message]:
    data, options = built.data, built.options
    offerings = {o.id: o for o in data.offerings}
    specs = {c.id: c for c in built.problem.iter_classes()}
    first_class: dict[int, ClassSpec] = {}
    for cid, info in built.classes.items():
        first_class.setdefault(info.offering_id, specs[cid])
    unavailable = {r.id: r.unavailable for r in built.problem.rooms}
    issues = []
    for oid, spec in sorted(first_class.items()):
        o = offerings[oid]
        if not spec.times:
            issues.append(_no_time_reason(o, data, options, built.monday, built.problem.nr_weeks))
        if not spec.rooms:
            issues.append(_no_room_reason(o, data, options))
        elif spec.times and not any(
            not any(overlaps(t, u) for u in unavailable.get(r.room, ())) for t in spec.times for r in spec.rooms
        ):
            issues.append(
                message(
                    gettext_noop(
                        "강좌 '%(title)s': 허용된 모든 시간에 맞는 강의실이 이미 다른 수업이나 장비 예약으로 차 있습니다. "
                        "/ Offering '%(title)s': every suitable room is already taken (other sessions or lab bookings) at every allowed time."
                    ),
                    title=o.title,
                )
            )
    # instructors and cohort groups: weekly hours against the hours their windows hold
    by_offering: dict[int, list[int]] = defaultdict(list)
    for cid, info in built.classes.items():
        by_offering[info.offering_id].append(cid)
    for (kind, key), ids in sorted(_groups(data, by_offering).items(), key=lambda kv: str(kv[0])):
        need = sum(offerings[built.classes[c].offering_id].session_minutes for c in ids)
        have = _union_minutes(span for c in ids for span in _spans(specs[c].times))
        if need > have:
            if kind == "instructor":
                name = data.instructor_names.get(key, str(key))
                issues.append(
                    message(
                        gettext_noop(
                            "강사 %(name)s: 주당 %(need)s시간을 가르쳐야 하지만 가능 시간과 운영 시간대가 겹치는 시간은 주당 %(have)s시간뿐입니다. "
                            "/ Instructor %(name)s must teach %(need)s hours a week but is available for only %(have)s hours within the windows."
                        ),
                        name=name,
                        need=_hours(need),
                        have=_hours(have),
                    )
                )
            else:
                issues.append(
                    message(
                        gettext_noop(
                            "수강 집단 '%(name)s': 주당 %(need)s시간의 수업이 서로 겹치지 않아야 하지만 운영 시간대는 주당 %(have)s시간뿐입니다. "
                            "/ Cohort group '%(name)s' needs %(need)s non-overlapping hours a week but its windows hold only %(have)s hours."
                        ),
                        name=key[1],
                        need=_hours(need),
                        have=_hours(have),
                    )
                )
    # rooms: per institution and kind, the hours asked against room-hours in the windows
    pools: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for cid, info in built.classes.items():
        o = offerings[info.offering_id]
        if specs[cid].rooms and specs[cid].times:
            pools[(o.institution_id, o.needs_lab)].append(cid)
    for (_inst, lab), ids in sorted(pools.items()):
        need = sum(offerings[built.classes[c].offering_id].session_minutes for c in ids)
        rooms = {r.room for c in ids for r in specs[c].rooms}
        window = _union_minutes(span for c in ids for span in _spans(specs[c].times))
        if need > len(rooms) * window:
            issues.append(
                message(
                    gettext_noop(
                        "%(kind)s %(rooms)d곳에 주당 %(need)s시간의 수업이 필요하지만 운영 시간대에 쓸 수 있는 시간은 %(have)s시간뿐입니다. "
                        "/ %(rooms)d %(kind_en)s must hold %(need)s hours a week but offer only %(have)s hours within the windows."
                    ),
                    kind=_room_kind(lab),
                    kind_en="labs" if lab else "rooms",
                    rooms=len(rooms),
                    need=_hours(need),
                    have=_hours(len(rooms) * window),
                )
            )
    return issues


def _room_kind(lab: bool) -> Message:
    return message(gettext_noop("실습실") if lab else gettext_noop("강의실"))


def _no_time_reason(o: OfferingData, data: TermData, options: Options, monday: dt.date, nr_weeks: int) -> Message:
    windows = cohort_windows(o.cohort, options)
    if not any(_week_mask(monday, d, o.start_date, o.end_date, nr_weeks) for d, _s, _e in windows):
        return message(
            gettext_noop(
                "강좌 '%(title)s': 교육 기간(%(start)s–%(end)s)에 운영 요일이 없거나 모두 공휴일입니다. "
                "/ Offering '%(title)s': no allowed weekday within its dates (%(start)s–%(end)s), or all are public holidays."
            ),
            title=o.title,
            start=o.start_date.isoformat(),
            end=o.end_date.isoformat(),
        )
    if o.session_minutes > max(e - s for _d, s, e in windows):
        return message(
            gettext_noop(
                "강좌 '%(title)s': 수업 %(minutes)d분이 가장 긴 운영 시간대보다 깁니다. "
                "/ Offering '%(title)s': a %(minutes)d-minute session is longer than the longest window."
            ),
            title=o.title,
            minutes=o.session_minutes,
        )
    names = ", ".join(data.instructor_names.get(i, str(i)) for i in o.instructor_ids)
    incumbent = o.cohort == "incumbent"
    return message(
        gettext_noop(
            "강좌 '%(title)s': 강사(%(names)s)의 가능 시간과 기존 수업을 빼면 %(cohort)s 시간대에 %(minutes)d분 수업을 둘 곳이 없습니다. "
            "/ Offering '%(title)s': within the %(cohort_en)s windows, the instructors' (%(names)s) availability and other sessions leave no room for a %(minutes)d-minute session."
        ),
        title=o.title,
        names=names,
        cohort=message(
            gettext_noop("재직자(평일 19–22시, 토요일)") if incumbent else gettext_noop("학생(평일 9–18시)")
        ),
        cohort_en="incumbent (weekday 19–22, Saturday)" if incumbent else "student (weekday 9–18)",
        minutes=o.session_minutes,
    )


def _no_room_reason(o: OfferingData, data: TermData, options: Options) -> Message:
    kind = [r for r in data.rooms if r.institution_id == o.institution_id and r.is_lab == o.needs_lab]
    usable = [r for r in kind if r.id not in options.exclude_rooms]
    largest = max((r.capacity for r in usable), default=0)
    return message(
        gettext_noop(
            "강좌 '%(title)s': 정원 %(capacity)d명을 수용할 %(kind)s이 없습니다(가장 큰 곳 %(largest)d명). "
            "/ Offering '%(title)s': no %(kind_en)s holds its %(capacity)d seats (the largest holds %(largest)d)."
        ),
        title=o.title,
        capacity=o.capacity,
        kind=_room_kind(o.needs_lab),
        kind_en="lab" if o.needs_lab else "room",
        largest=largest,
    )


# -- reading a solution back -----------------------------------------------------------------------


def assignments(built: Built, solution: Solution) -> list[dict[str, Any]]:
    """One entry per weekly session: weekday, times, room and the dates it meets (holidays skipped)."""
    offerings = {o.id: o for o in built.data.offerings}
    rooms = {r.id: r for r in built.data.rooms}
    specs = {c.id: c for c in built.problem.iter_classes()}
    result = []
    for a in sorted(solution.classes, key=lambda a: a.class_id):
        info = built.classes[a.class_id]
        o = offerings[info.offering_id]
        weekday = (a.days & -a.days).bit_length() - 1
        spec = next(t for t in specs[a.class_id].times if t.days == a.days and t.start == a.start)
        start, end = a.start * SLOT_MINUTES, (a.start + spec.length) * SLOT_MINUTES
        dates, skipped = [], []
        for w in range(built.problem.nr_weeks):
            day = built.monday + dt.timedelta(days=7 * w + weekday)
            if not o.start_date <= day <= o.end_date:
                continue
            if a.weeks >> w & 1:
                dates.append(day.isoformat())
            else:
                skipped.append({"date": day.isoformat(), "holiday": holiday_name(day) or ""})
        room = rooms.get(a.room) if a.room is not None else None
        result.append(
            {
                "class_id": a.class_id,
                "offering": o.id,
                "title": o.title,
                "index": info.index,
                "weekday": weekday,
                "start": _hm(start),
                "end": _hm(end),
                "room": room.id if room else None,
                "room_label": room.label if room else "",
                "facility": room.facility_id if room else None,
                "instructors": [[i, built.data.instructor_names.get(i, str(i))] for i in o.instructor_ids],
                "needs_lab": o.needs_lab,
                "cohort": o.cohort,
                "cohort_group": o.cohort_group,
                "institution": o.institution_id,
                "dates": dates,
                "skipped": skipped,
            }
        )
    return result
