"""Build small ITC 2019 problems and solutions as XML text for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr


@dataclass
class T:
    days: str
    start: int
    length: int
    weeks: str = "11"
    penalty: int = 0

    def xml(self, tag: str = "time") -> str:
        pen = f' penalty="{self.penalty}"' if tag == "time" else ""
        return f'<{tag} days="{self.days}" start="{self.start}" length="{self.length}" weeks="{self.weeks}"{pen}/>'


@dataclass
class C:
    id: int
    times: list[T]
    rooms: list[tuple[int, int]] = field(default_factory=list)  # (room, penalty)
    limit: int = 10
    parent: int | None = None

    def xml(self) -> str:
        attrs = f'id="{self.id}" limit="{self.limit}"'
        if self.parent is not None:
            attrs += f' parent="{self.parent}"'
        if not self.rooms:
            attrs += ' room="false"'
        body = "".join(f'<room id="{r}" penalty="{p}"/>' for r, p in self.rooms) + "".join(t.xml() for t in self.times)
        return f"<class {attrs}>{body}</class>"


def course(course_id: int, *configs: list[list[C]]) -> str:
    """A course: configs → subparts → classes."""
    parts = []
    for k, config in enumerate(configs, start=1):
        subparts = "".join(
            f'<subpart id="{course_id * 100 + k * 10 + s}">{"".join(c.xml() for c in classes)}</subpart>'
            for s, classes in enumerate(config, start=1)
        )
        parts.append(f'<config id="{course_id * 10 + k}">{subparts}</config>')
    return f'<course id="{course_id}">{"".join(parts)}</course>'


def problem_xml(
    classes: list[C] | None = None,
    *,
    courses: list[str] | None = None,
    distributions: list[tuple[str, str, list[int]]] = (),  # type: ignore[assignment]
    rooms: str = '<room id="1" capacity="50"/><room id="2" capacity="50"/>',
    students: dict[int, list[int]] | None = None,
    weights: tuple[int, int, int, int] = (1, 1, 1, 1),
    nr_weeks: int = 2,
) -> str:
    """``distributions``: (type, 'required' or a penalty as text, class ids); each class its own course."""
    course_xml = list(courses or [])
    course_xml += [course(c.id, [[c]]) for c in classes or []]
    dist_xml = "".join(
        f"<distribution type={quoteattr(kind)} "
        + ('required="true"' if how == "required" else f'penalty="{how}"')
        + ">"
        + "".join(f'<class id="{c}"/>' for c in ids)
        + "</distribution>"
        for kind, how, ids in distributions
    )
    student_xml = "".join(
        f'<student id="{sid}">' + "".join(f'<course id="{k}"/>' for k in ks) + "</student>"
        for sid, ks in (students or {}).items()
    )
    t, r, d, s = weights
    return (
        f'<problem name="test" nrDays="7" slotsPerDay="288" nrWeeks="{nr_weeks}">'
        f'<optimization time="{t}" room="{r}" distribution="{d}" student="{s}"/>'
        f"<rooms>{rooms}</rooms><courses>{''.join(course_xml)}</courses>"
        f"<distributions>{dist_xml}</distributions><students>{student_xml}</students></problem>"
    )


def solution_xml(*assignments: tuple[int, T, int | None] | tuple[int, T, int | None, list[int]]) -> str:
    """(class id, time, room or None[, student ids])."""
    parts = []
    for a in assignments:
        cid, t, room = a[0], a[1], a[2]
        students = a[3] if len(a) > 3 else []  # type: ignore[misc]
        room_attr = f' room="{room}"' if room is not None else ""
        inner = "".join(f'<student id="{s}"/>' for s in students)
        parts.append(
            f'<class id="{cid}" days="{t.days}" start="{t.start}" weeks="{t.weeks}"{room_attr}>{inner}</class>'
        )
    return f'<solution name="test" runtime="1" cores="1" technique="t" author="a" institution="i" country="c">{"".join(parts)}</solution>'
