"""Read ITC 2019 problem and solution XML; write solution XML.

Instances come from the program office or the competition archive, not from anonymous users; expat
(≥ 2.4.1) bounds entity expansion, and external DTDs are never fetched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from .model import (
    ClassAssignment,
    ClassSpec,
    Config,
    Course,
    Distribution,
    Problem,
    Room,
    RoomOption,
    Solution,
    Student,
    Subpart,
    TimeOption,
    Weights,
)

_TYPE_RE = re.compile(r"^([A-Za-z]+)(?:\(([0-9,\s]*)\))?$")
SOLUTION_META_ORDER = ("runtime", "cores", "technique", "author", "institution", "country")


class ParseError(ValueError):
    """The XML is malformed or is not an ITC 2019 problem/solution."""


def bits_to_mask(bits: str) -> int:
    if not bits or any(ch not in "01" for ch in bits):
        raise ParseError(f"not a bit string: {bits!r}")
    return int(bits[::-1], 2)


def mask_to_bits(mask: int, width: int) -> str:
    return "".join("1" if mask >> i & 1 else "0" for i in range(width))


def _root(source: str | Path | bytes, tag: str) -> ET.Element:
    try:
        if isinstance(source, bytes):
            root = ET.fromstring(source)  # noqa: S314
        elif isinstance(source, Path):
            root = ET.parse(source).getroot()  # noqa: S314
        else:
            root = ET.fromstring(source.lstrip("\ufeff"))  # noqa: S314
    except ET.ParseError as exc:
        raise ParseError(f"malformed XML: {exc}") from exc
    if root.tag != tag:
        raise ParseError(f"expected <{tag}>, found <{root.tag}>")
    return root


def _int(el: ET.Element, name: str, default: int | None = None) -> int:
    value = el.get(name)
    if value is None:
        if default is None:
            raise ParseError(f"<{el.tag}> lacks the attribute {name!r}")
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ParseError(f"<{el.tag} {name}={value!r}> is not an integer") from exc


def _bits(el: ET.Element, name: str) -> int:
    value = el.get(name)
    if value is None:
        raise ParseError(f"<{el.tag}> lacks the attribute {name!r}")
    return bits_to_mask(value)


def _time(el: ET.Element) -> TimeOption:
    return TimeOption(
        days=_bits(el, "days"),
        start=_int(el, "start"),
        length=_int(el, "length"),
        weeks=_bits(el, "weeks"),
        penalty=_int(el, "penalty", 0),
    )


def _room(el: ET.Element) -> Room:
    return Room(
        id=_int(el, "id"),
        capacity=_int(el, "capacity", 0),
        travel=tuple((_int(t, "room"), _int(t, "value")) for t in el.findall("travel")),
        unavailable=tuple(_time(u) for u in el.findall("unavailable")),
    )


def _class(el: ET.Element, course_id: int, config_id: int, subpart_id: int) -> ClassSpec:
    rooms = tuple(RoomOption(room=_int(r, "id"), penalty=_int(r, "penalty", 0)) for r in el.findall("room"))
    return ClassSpec(
        id=_int(el, "id"),
        limit=_int(el, "limit", 0),
        course_id=course_id,
        config_id=config_id,
        subpart_id=subpart_id,
        parent=_int(el, "parent") if el.get("parent") is not None else None,
        rooms=rooms,
        times=tuple(_time(t) for t in el.findall("time")),
        needs_room=el.get("room", "true").lower() != "false" and bool(rooms),
    )


def _course(el: ET.Element) -> Course:
    course_id = _int(el, "id")
    configs = []
    for config_el in el.findall("config"):
        config_id = _int(config_el, "id")
        subparts = tuple(
            Subpart(
                id=_int(sp, "id"),
                classes=tuple(_class(c, course_id, config_id, _int(sp, "id")) for c in sp.findall("class")),
            )
            for sp in config_el.findall("subpart")
        )
        configs.append(Config(id=config_id, subparts=subparts))
    return Course(id=course_id, configs=tuple(configs))


def parse_type(text: str) -> tuple[str, tuple[int, ...]]:
    match = _TYPE_RE.match(text.strip())
    if not match:
        raise ParseError(f"unknown distribution type {text!r}")
    params = tuple(int(p) for p in match.group(2).split(",") if p.strip()) if match.group(2) else ()
    return match.group(1), params


def _distribution(el: ET.Element) -> Distribution:
    kind, params = parse_type(el.get("type", ""))
    required = el.get("required", "false").lower() == "true"
    return Distribution(
        kind=kind,
        params=params,
        required=required,
        penalty=0 if required else _int(el, "penalty", 0),
        class_ids=tuple(_int(c, "id") for c in el.findall("class")),
    )


def parse_problem(source: str | Path | bytes) -> Problem:
    """Parse a problem from a path, or from XML text/bytes."""
    root = _root(source, "problem")
    opt = root.find("optimization")
    weights = (
        Weights(
            time=_int(opt, "time", 0),
            room=_int(opt, "room", 0),
            distribution=_int(opt, "distribution", 0),
            student=_int(opt, "student", 0),
        )
        if opt is not None
        else Weights(0, 0, 0, 0)
    )
    return Problem(
        name=root.get("name", ""),
        nr_days=_int(root, "nrDays"),
        slots_per_day=_int(root, "slotsPerDay"),
        nr_weeks=_int(root, "nrWeeks"),
        weights=weights,
        rooms=tuple(_room(r) for r in root.findall("rooms/room")),
        courses=tuple(_course(c) for c in root.findall("courses/course")),
        distributions=tuple(_distribution(d) for d in root.findall("distributions/distribution")),
        students=tuple(
            Student(id=_int(s, "id"), course_ids=tuple(_int(c, "id") for c in s.findall("course")))
            for s in root.findall("students/student")
        ),
    )


def parse_solution(source: str | Path | bytes) -> Solution:
    root = _root(source, "solution")
    classes = []
    nr_days = nr_weeks = 0
    for el in root.findall("class"):
        days, weeks = el.get("days", ""), el.get("weeks", "")
        nr_days, nr_weeks = max(nr_days, len(days)), max(nr_weeks, len(weeks))
        room = el.get("room")
        classes.append(
            ClassAssignment(
                class_id=_int(el, "id"),
                days=_bits(el, "days"),
                start=_int(el, "start"),
                weeks=_bits(el, "weeks"),
                room=_int(el, "room") if room else None,
                students=tuple(_int(s, "id") for s in el.findall("student")),
            )
        )
    return Solution(
        name=root.get("name", ""),
        nr_days=nr_days,
        nr_weeks=nr_weeks,
        classes=tuple(classes),
        meta=tuple((k, v) for k, v in root.attrib.items() if k != "name"),
    )


def solution_to_xml(solution: Solution) -> str:
    root = ET.Element("solution", {"name": solution.name, **dict(solution.meta)})
    root.text = "\n  "
    last: ET.Element | None = None
    for a in solution.classes:
        attrs = {
            "id": str(a.class_id),
            "days": mask_to_bits(a.days, solution.nr_days),
            "start": str(a.start),
            "weeks": mask_to_bits(a.weeks, solution.nr_weeks),
        }
        if a.room is not None:
            attrs["room"] = str(a.room)
        last = ET.SubElement(root, "class", attrs)
        last.tail = "\n  "
        if a.students:
            last.text = "\n    "
            for sid in a.students:
                ET.SubElement(last, "student", {"id": str(sid)}).tail = "\n    "
            last[-1].tail = "\n  "
    if last is not None:
        last.tail = "\n"
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def write_solution(solution: Solution, path: Path) -> None:
    path.write_text(solution_to_xml(solution), encoding="utf-8")
