"""Demo labs: equipment types with their default rules, labs at the three institutions, equipment,
the safety courses that gate the robots and machine tools, training records and a few weeks of
bookings around today. Deterministic for a seed and a day."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from sanhak.accounts.models import Institution
from sanhak.common.personas import Personas
from sanhak.competencies.models import Competency, Track
from sanhak.courses.models import Course, Mode
from sanhak.courses.services import course_create
from sanhak.labs.models import (
    BookingRules,
    Equipment,
    EquipmentType,
    Facility,
    Reservation,
    ReservationStatus,
    TrainingRecord,
)
from sanhak.labs.rules import is_open_day


@dataclass(frozen=True)
class TypeSpec:
    code: str
    name_ko: str
    name_en: str
    rules: dict[str, object]
    safety: str | None  # code of the required safety course


SAFETY_COURSES = {
    "LAB-SAFE-ROBOT": ("산업용 로봇 안전교육", "Industrial robot safety training"),
    "LAB-SAFE-MACHINE": ("공작기계 안전교육", "Machine tool safety training"),
}

TYPES = [
    TypeSpec(
        "robot-cell",
        "로봇 셀",
        "Robot cell",
        {"max_minutes": 240, "buffer_minutes": 30, "approval_required": True, "weekly_quota_hours": 8},
        "LAB-SAFE-ROBOT",
    ),
    TypeSpec("plc-trainer", "PLC 실습장비", "PLC trainer", {"max_minutes": 180, "weekly_quota_hours": 12}, None),
    TypeSpec("vision-kit", "비전 검사 키트", "Vision inspection kit", {"max_minutes": 180}, None),
    TypeSpec(
        "cnc",
        "CNC 가공기",
        "CNC machine",
        {"max_minutes": 240, "buffer_minutes": 30, "approval_required": True, "weekly_quota_hours": 8},
        "LAB-SAFE-MACHINE",
    ),
    TypeSpec(
        "3d-printer", "3D 프린터", "3D printer", {"max_minutes": 480, "slot_minutes": 60, "buffer_minutes": 30}, None
    ),
    TypeSpec(
        "test-line",
        "스마트공장 테스트베드",
        "Smart-factory test line",
        {
            "min_minutes": 60,
            "max_minutes": 240,
            "slot_minutes": 60,
            "approval_required": True,
            "open_weekdays": "0123456",
        },
        "LAB-SAFE-ROBOT",
    ),
]

# (institution code, lab name, building, room, type codes)
FACILITIES = [
    ("inu", "스마트팩토리 실습실", "공학관", "B101", ["robot-cell", "plc-trainer", "vision-kit"]),
    ("inu", "디지털 제조 실습실", "공학관", "B105", ["3d-printer", "cnc"]),
    ("inha", "로봇 자동화 실습실", "하이테크센터", "210", ["robot-cell", "plc-trainer"]),
    ("inha", "스마트공장 테스트베드", "하이테크센터", "101", ["test-line", "vision-kit"]),
    ("kopo-incheon", "기계가공 실습장", "실습동", "1층", ["cnc", "3d-printer"]),
    ("kopo-incheon", "자동화 실습장", "실습동", "2층", ["plc-trainer", "robot-cell"]),
]
MODELS = {
    "robot-cell": ["FANUC M-10iD", "Doosan M1013 협동로봇", "Hyundai HH7", "ABB IRB 1200"],
    "plc-trainer": ["LS XGK 트레이너", "Siemens S7-1500 트레이너", "Mitsubishi iQ-R 트레이너"],
    "vision-kit": ["Cognex In-Sight 키트", "Basler 비전 키트", "Keyence CV-X 키트"],
    "cnc": ["DN Solutions Lynx 2100", "Hwacheon VESTA-660", "Hyundai WIA F400"],
    "3d-printer": ["Stratasys F170", "Formlabs Form 3+", "Sindoh 3DWOX"],
    "test-line": ["스마트공장 조립 테스트라인", "MES 연동 테스트라인"],
}


def equipment_types_ensure() -> dict[str, EquipmentType]:
    """The six equipment types and their default rules (idempotent)."""
    out = {}
    for spec in TYPES:
        existing = EquipmentType.objects.filter(code=spec.code).first()
        if existing:
            out[spec.code] = existing
            continue
        rules = BookingRules.objects.create(name=f"{spec.name_ko} 기본 규칙", **spec.rules)
        out[spec.code] = EquipmentType.objects.create(
            code=spec.code, name_ko=spec.name_ko, name_en=spec.name_en, rules=rules
        )
    return out


def safety_courses_ensure(lead: Institution) -> dict[str, Course]:
    """The safety courses that gate the robots and machine tools (idempotent); they develop the
    catalog's industrial-safety competency and are searchable like any course."""
    track = Track.objects.get(code="skilled")
    safety = Competency.objects.get(code="SM-CMN-01")
    out = {}
    for code, (ko, en) in SAFETY_COURSES.items():
        out[code] = Course.objects.filter(code=code).first() or course_create(
            code=code,
            title_ko=ko,
            title_en=en,
            description=f"{ko}: 장비를 예약하기 전에 이수해야 하는 안전교육입니다.",
            institution=lead,
            track=track,
            mode=Mode.ONLINE,
            hours=4,
            competencies=[(safety, 2)],
        )
    return out


def labs_seed(*, personas: Personas, rng: random.Random, equipment_total: int, trainees: dict[int, int | None]) -> int:
    """`trainees`: who books in the demo (user id -> employer company id, if any)."""
    """Create the demo labs; returns the number of equipment created."""
    types = equipment_types_ensure()
    courses = safety_courses_ensure(personas.lead)
    institutions = {i.code: i for i in (personas.lead, personas.partner, personas.polytechnic)}
    facilities = [
        (Facility.objects.create(institution=institutions[inst], name=name, building=b, room=r), codes)
        for inst, name, b, r, codes in FACILITIES
    ]
    per_slot = max(1, equipment_total // sum(len(codes) for _, codes in facilities))
    equipment: list[Equipment] = []
    n = 0
    for facility, codes in facilities:
        for code in codes:
            for _ in range(per_slot):
                n += 1
                model = rng.choice(MODELS[code])
                equipment.append(
                    Equipment(
                        code=f"EQ-{n:04d}",
                        name=f"{model} #{n}",
                        type=types[code],
                        facility=facility,
                        responsible=personas.lab_manager if facility.institution_id == personas.lead.pk else None,
                    )
                )
    Equipment.objects.bulk_create(equipment)
    spec_by_code = {s.code: s for s in TYPES}
    through = Equipment.required_courses.through
    through.objects.bulk_create(
        [
            through(equipment_id=e.pk, course_id=courses[safety].pk)
            for e in equipment
            if (safety := spec_by_code[e.type.code].safety)
        ]
    )
    # The graduate student has the robot safety training; the worker does not (yet).
    TrainingRecord.objects.get_or_create(
        user=personas.student,
        course=courses["LAB-SAFE-ROBOT"],
        defaults={"completed_on": timezone.localdate() - dt.timedelta(days=60), "recorded_by": personas.lab_manager},
    )
    _bookings_create(rng, equipment, trainees)
    return len(equipment)


def _bookings_create(rng: random.Random, equipment: list[Equipment], trainees: dict[int, int | None]) -> None:
    """Three weeks back and two ahead: a few bookings a day per piece, never overlapping."""
    if not trainees:
        return
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    now = timezone.now()
    pool = sorted(trainees)
    rows = []
    for eq in equipment:
        rules = eq.type.rules
        for offset in range(-21, 15):
            day = today + dt.timedelta(days=offset)
            if not is_open_day(rules, day) or rng.random() < 0.4:
                continue
            cursor = dt.datetime.combine(day, rules.opens_at, tzinfo=tz)
            close = dt.datetime.combine(day, rules.closes_at, tzinfo=tz)
            for _ in range(rng.randint(1, 3)):
                cursor += dt.timedelta(minutes=rules.slot_minutes * rng.randint(0, 4))
                length = dt.timedelta(minutes=max(rules.min_minutes, rules.slot_minutes * rng.randint(2, 4)))
                length = min(length, dt.timedelta(minutes=rules.max_minutes))
                end = cursor + length
                blocked = end + dt.timedelta(minutes=rules.buffer_minutes)
                if blocked > close:
                    break
                if end < now:
                    status = ReservationStatus.NO_SHOW if rng.random() < 0.08 else ReservationStatus.COMPLETED
                elif cursor > now:
                    status = (
                        ReservationStatus.PENDING
                        if rules.approval_required and rng.random() < 0.3
                        else ReservationStatus.CONFIRMED
                    )
                else:
                    status = ReservationStatus.CHECKED_IN
                user_id = rng.choice(pool)
                rows.append(
                    Reservation(
                        equipment=eq,
                        user_id=user_id,
                        created_by_id=user_id,
                        company_id=trainees[user_id],
                        starts_at=cursor,
                        ends_at=end,
                        blocked_until=blocked,
                        status=status,
                        checked_in_at=cursor
                        if status in (ReservationStatus.COMPLETED, ReservationStatus.CHECKED_IN)
                        else None,
                        purpose=rng.choice(["실습", "과제 실험", "시제품 제작", "교육 준비", "기업 과제 시험"]),
                    )
                )
                cursor = blocked
    Reservation.objects.bulk_create(rows, batch_size=2000)
