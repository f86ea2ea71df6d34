"""Scheduling benchmark (by hand, not a test): a namdong-size term scheduled by the platform.

Target (from the issue): a term of 300 offerings, 60 rooms and 150 instructors scheduled with no hard
violations within 120 s (2 cores).

Usage:
    .venv/bin/python bench/schedule_term.py                    # time limit 90 s, 2 workers
    .venv/bin/python bench/schedule_term.py --time-limit 60 --workers 2 --seed 1

Data: a fresh SQLite database var/bench/schedule_term.sqlite3 (migrated with `manage.py migrate`),
seeded with the consortium's three teaching institutions and, for them: 60 rooms (20 each on two
campuses, 4 of them labs), travel times between the six campuses, 150 instructors (50 each; one in
five also teaches at another institution; one in three is available on three weekdays and Saturday
only), and 300 offerings of the term 2027-1 (100 each, 2027-03-02 … 2027-06-13 or its first or second
half; 55 % for incumbent workers, 45 % for students; 1–2 sessions a week of 2 or 3 hours; 15 % need a
lab; 15–40 seats; one instructor, or two for 15 %; 40 % in cohort groups of five). The term contains
Korean public holidays (3/1, 5/5, 5/13, 6/3), on which sessions are skipped.

Measured: the same steps as the scheduling worker (`jobs._execute`): load the term from the database,
build the ITC 2019 problem, solve it with the ITC solver core, validate, map back to dated sessions.
Printed: seconds per step, the seconds to the first timetable, hard violations (must be 0) and the
penalty (time + room + distribution).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench" / "schedule_term.sqlite3"

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

TERM = "2027-1"
START, END = dt.date(2027, 3, 2), dt.date(2027, 6, 13)


def seed(rng: random.Random) -> None:
    from django.contrib.auth.hashers import make_password

    from sanhak.accounts.models import Role, RoleAssignment, User
    from sanhak.common.personas import institutions_ensure
    from sanhak.competencies.models import Track
    from sanhak.courses.models import Course, Offering
    from sanhak.scheduling.models import CampusTravel, InstructorAvailability, OfferingPlan, Room

    institutions = institutions_ensure()[:3]
    track = Track.objects.get(code="technical")
    campuses = {inst.pk: (f"{inst.code}-본캠퍼스", f"{inst.code}-제2캠퍼스") for inst in institutions}
    rooms = []
    for inst in institutions:
        for i in range(20):
            lab = i < 4
            rooms.append(
                Room(
                    institution=inst,
                    campus=campuses[inst.pk][i % 2],
                    building="실습동" if lab else f"{i // 5 + 1}호관",
                    name=f"{100 + i}",
                    capacity=rng.choice([20, 25, 30]) if lab else rng.choice([20, 30, 40, 50, 60]),
                    is_lab=lab,
                )
            )
    Room.objects.bulk_create(rooms)
    all_campuses = sorted(c for pair in campuses.values() for c in pair)
    CampusTravel.objects.bulk_create(
        CampusTravel(campus_a=a, campus_b=b, minutes=rng.choice([20, 30, 40, 50]))
        for i, a in enumerate(all_campuses)
        for b in all_campuses[i + 1 :]
    )
    password = make_password("bench")
    people: dict[int, list[User]] = {inst.pk: [] for inst in institutions}
    users = User.objects.bulk_create(
        User(email=f"teacher{i}@bench.test", name=f"강사{i:03d}", password=password) for i in range(150)
    )
    roles, availability = [], []
    for i, user in enumerate(users):
        inst = institutions[i % 3]
        people[inst.pk].append(user)
        roles.append(RoleAssignment(user=user, role=Role.INSTRUCTOR, institution=inst))
        if i % 5 == 0:  # also teaches at the next institution
            people[institutions[(i + 1) % 3].pk].append(user)
        if i % 3 == 0:  # available three weekdays (all day) and Saturday
            for day in [*sorted(rng.sample(range(5), 3)), 5]:
                availability.append(
                    InstructorAvailability(instructor=user, weekday=day, start=dt.time(9), end=dt.time(22))
                )
    RoleAssignment.objects.bulk_create(roles)
    InstructorAvailability.objects.bulk_create(availability)
    halves = [(START, END), (START, dt.date(2027, 4, 25)), (dt.date(2027, 4, 26), END)]
    for inst in institutions:
        grouped = {"incumbent": 0, "student": 0}
        for k in range(100):
            cohort = "incumbent" if rng.random() < 0.55 else "student"
            course = Course.objects.create(
                code=f"B-{inst.code}-{k:03d}",
                title_ko=f"{inst.name_ko[:4]} 과목 {k:03d}",
                institution=inst,
                track=track,
                mode="offline",
                hours=30,
            )
            first, last = halves[0] if rng.random() < 0.7 else rng.choice(halves[1:])
            offering = Offering.objects.create(
                course=course, term=TERM, start_date=first, end_date=last, capacity=rng.randint(15, 40)
            )
            staff = people[inst.pk]
            teachers = [staff[k % len(staff)]]  # everyone teaches
            if rng.random() < 0.15:
                teachers.append(rng.choice([p for p in staff if p != teachers[0]]))
            offering.instructors.set(teachers)
            group = ""
            if rng.random() < 0.4:  # five offerings a group, per cohort
                group = f"{'재직' if cohort == 'incumbent' else '학생'}{grouped[cohort] // 5 + 1}반"
                grouped[cohort] += 1
            needs_lab = rng.random() < 0.15
            OfferingPlan.objects.create(
                offering=offering,
                weekly_sessions=2 if rng.random() < 0.25 else 1,
                session_minutes=rng.choice([120, 180]),
                cohort=cohort,
                cohort_group=group,
                needs_lab=needs_lab,
            )
            if needs_lab:
                Offering.objects.filter(pk=offering.pk).update(capacity=rng.randint(10, 20))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=90.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()

    DB.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    t = time.monotonic()
    call_command("migrate", verbosity=0)
    seed(random.Random(args.seed))
    print(f"database: {DB} (migrated and seeded in {time.monotonic() - t:.1f} s)")

    from sanhak.scheduling import selectors
    from sanhak.scheduling.itc2019.solver import Progress, solve
    from sanhak.scheduling.itc2019.validator import validate
    from sanhak.scheduling.messages import text
    from sanhak.scheduling.problem import assignments, build

    started = time.monotonic()
    data = selectors.term_data(term=TERM, institution=None)
    loaded = time.monotonic()
    built = build(data)
    problem = built.problem
    classes = list(problem.iter_classes())
    built_at = time.monotonic()
    print(
        f"term {TERM}: {len(data.offerings)} offerings, {len(classes)} weekly sessions, {len(data.rooms)} rooms, "
        f"{len(data.instructor_names)} instructors, {problem.nr_weeks} weeks, "
        f"{sum(len(c.times) for c in classes)} time options, {sum(len(c.rooms) for c in classes)} room options, "
        f"{len(problem.distributions)} distributions"
    )
    if built.issues:
        print("infeasible before solving:")
        for line in built.issues:
            print("  " + text(line))
        return 1
    first: list[float] = []

    def progress(p: Progress) -> None:
        if not first and p.objective is not None:
            first.append(time.monotonic() - built_at)

    result = solve(problem, time_limit=args.time_limit, workers=args.workers, progress=progress)
    solved = time.monotonic()
    check = validate(problem, result.solution)
    rows = assignments(built, result.solution)
    done = time.monotonic()
    sessions = sum(len(r["dates"]) for r in rows)
    skipped = sum(len(r["skipped"]) for r in rows)
    print(f"load {loaded - started:.1f} s, build {built_at - loaded:.1f} s, solve {solved - built_at:.1f} s")
    print(f"first timetable after {first[0]:.1f} s" if first else "no timetable found")
    print(f"status {result.status}, placed {len(result.solution.classes)}/{len(classes)} weekly sessions")
    print(f"hard violations {len(check.hard_violations)}")
    print(f"penalty time {check.time} + room {check.room} + distribution {check.distribution} = total {check.total}")
    print(f"dated sessions {sessions} (holiday sessions skipped: {skipped})")
    print(f"total seconds {done - started:.1f} (target 120, workers {args.workers})")
    ok = bool(result.solution.classes) and not check.hard_violations and done - started <= 120
    print("PASS" if ok else "FAIL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
