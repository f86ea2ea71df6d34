"""A changed attendance status needs a reason, and the reason may not hold a resident registration number."""

from __future__ import annotations

import pytest

from sanhak.common.errors import DomainError
from sanhak.learning import services
from sanhak.learning.models import Attendance, AttendanceChange

pytestmark = pytest.mark.django_db


def test_attendance_reason_with_an_rrn_is_refused_and_nothing_changes(robot, personas):
    session = robot.sessions[0]
    services.attendance_mark(session=session, enrollment=robot.worker, status="absent", by=personas.instructor)
    changes = AttendanceChange.objects.count()
    with pytest.raises(DomainError) as refused:
        services.attendance_mark(
            session=session,
            enrollment=robot.worker,
            status="excused",
            by=personas.instructor,
            reason="진단서 900101-1234567",
        )
    assert (refused.value.code, refused.value.message) == (
        "rrn",
        "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number.",
    )
    assert Attendance.objects.get(session=session, enrollment=robot.worker).status == "absent"
    assert AttendanceChange.objects.count() == changes
    services.attendance_mark(
        session=session, enrollment=robot.worker, status="excused", by=personas.instructor, reason="진단서 제출"
    )
    assert Attendance.objects.get(session=session, enrollment=robot.worker).status == "excused"
