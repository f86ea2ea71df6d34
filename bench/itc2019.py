"""ITC 2019 benchmark: solve each instance in ../shared/data/itc2019 and compare with the best known total.

    .venv/bin/python bench/itc2019.py --time-limit 300 --workers 2 [--instances lums-sum17 tg-fal17]
                                      [--limit tg-fal17=600] [--out-dir var/itc2019]

Prints one row per instance: seconds, validity, the validator's total, the best known total and the
ratio. A measurement, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sanhak.common.shared_data import shared_data  # noqa: E402
from sanhak.scheduling.itc2019.parser import parse_problem, write_solution  # noqa: E402
from sanhak.scheduling.itc2019.solver import solve  # noqa: E402
from sanhak.scheduling.itc2019.validator import validate  # noqa: E402

DATA = shared_data("itc2019")
# Published totals only: tg-fal17 is proven optimal (Holm et al.); lums-sum17 is the MPPTimetables
# solution shipped in solutions/. The other instances have no published value here.
BEST_KNOWN = {"tg-fal17": 4215, "lums-sum17": 17}
COLUMNS = ("instance", "seconds", "valid", "total", "time", "room", "distr", "student", "best known", "ratio")


def _limits(args: argparse.Namespace) -> dict[str, float]:
    limits = {}
    for item in args.limit:
        name, _, seconds = item.partition("=")
        limits[name] = float(seconds)
    return limits


def _row(name: str, time_limit: float, workers: int, out_dir: Path | None) -> tuple[str, ...]:
    problem = parse_problem(DATA / f"{name}.xml")
    started = time.monotonic()
    result = solve(problem, time_limit=time_limit, workers=workers)
    seconds = time.monotonic() - started
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_solution(result.solution, out_dir / f"solution-{name}.xml")
    checked = validate(problem, result.solution)
    best = BEST_KNOWN.get(name)
    ratio = f"{checked.total / best:.3f}" if best and checked.valid else ""
    return (
        name,
        f"{seconds:.1f}",
        "yes" if checked.valid else f"NO ({len(checked.hard_violations)})",
        str(checked.total) if checked.valid else "",
        str(checked.time),
        str(checked.room),
        str(checked.distribution),
        str(checked.student),
        str(best) if best is not None else "",
        ratio,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--instances", nargs="*", help="instance names (default: every XML file in the data folder)")
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=SECONDS", help="per-instance time limit")
    parser.add_argument("--out-dir", type=Path, help="write each solution there")
    args = parser.parse_args()
    names = args.instances or sorted(p.stem for p in DATA.glob("*.xml"))
    limits = _limits(args)
    rows = [COLUMNS]
    for name in names:
        limit = limits.get(name, args.time_limit)
        print(f"solving {name} ({limit:g} s, {args.workers} workers)…", file=sys.stderr, flush=True)
        try:
            rows.append(_row(name, limit, args.workers, args.out_dir))
        except Exception:  # report it and go on to the next instance
            traceback.print_exc()
            rows.append((name, "", "ERROR", *[""] * (len(COLUMNS) - 3)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    for k, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
