"""Scheduling services: ITC 2019 files in, validated results out."""

from __future__ import annotations

from pathlib import Path

from .itc2019.model import Problem, Solution
from .itc2019.parser import parse_problem, parse_solution, write_solution
from .itc2019.solver import ProgressCallback, solve
from .itc2019.validator import ValidationResult, validate


class Itc2019InputError(Exception):
    """A file is missing or is not ITC 2019 XML; the message is bilingual (Korean / English)."""


def _read(path: Path, label: tuple[str, str]) -> bytes:
    ko, en = label
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise Itc2019InputError(f"{ko} 파일이 없습니다 / {en} file not found: {path}") from exc
    except OSError as exc:
        raise Itc2019InputError(f"{ko} 파일을 읽을 수 없습니다 / cannot read the {en} file {path}: {exc}") from exc


def itc2019_problem_load(*, path: Path) -> Problem:
    data = _read(path, ("문제", "instance"))
    try:
        return parse_problem(data)
    except ValueError as exc:  # ParseError, or a bad number deep inside
        raise Itc2019InputError(
            f"ITC 2019 문제 XML이 올바르지 않습니다 / invalid ITC 2019 instance XML {path}: {exc}"
        ) from exc


def itc2019_solution_load(*, path: Path) -> Solution:
    data = _read(path, ("해답", "solution"))
    try:
        return parse_solution(data)
    except ValueError as exc:  # ParseError, or a bad number deep inside
        raise Itc2019InputError(
            f"ITC 2019 해답 XML이 올바르지 않습니다 / invalid ITC 2019 solution XML {path}: {exc}"
        ) from exc


def itc2019_validate(*, instance: Path, solution: Path) -> ValidationResult:
    return validate(itc2019_problem_load(path=instance), itc2019_solution_load(path=solution))


def itc2019_solve(
    *, instance: Path, out: Path, time_limit: float, workers: int = 2, progress: ProgressCallback | None = None
) -> ValidationResult:
    """Solve, write the solution to ``out`` and validate what was written."""
    problem = itc2019_problem_load(path=instance)
    result = solve(problem, time_limit=time_limit, workers=workers, progress=progress)
    try:
        write_solution(result.solution, out)
    except OSError as exc:
        raise Itc2019InputError(f"해답 파일을 쓸 수 없습니다 / cannot write the solution file {out}: {exc}") from exc
    return validate(problem, itc2019_solution_load(path=out))
