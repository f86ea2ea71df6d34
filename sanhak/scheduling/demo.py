"""Demo rooms for timetabling: classrooms on each institution's campus, its labs as lab rooms (linked
to the labs app, so an accepted timetable books them), and the travel times between campuses."""

from __future__ import annotations

import random

from sanhak.common.personas import Personas
from sanhak.labs.models import Facility
from sanhak.scheduling.models import CampusTravel, Room

CAMPUSES = {"inu": "송도캠퍼스", "inha": "용현캠퍼스", "kopo-incheon": "남동캠퍼스"}
BUILDINGS = {"inu": "공학관", "inha": "하이테크센터", "kopo-incheon": "본관"}
TRAVEL = [("남동캠퍼스", "송도캠퍼스", 30), ("남동캠퍼스", "용현캠퍼스", 35), ("송도캠퍼스", "용현캠퍼스", 40)]
CLASSROOMS_PER_INSTITUTION = 8


def scheduling_seed(*, personas: Personas, rng: random.Random) -> int:
    """Create the demo rooms and campus travel times; returns the number of rooms."""
    rooms = []
    for inst in (personas.lead, personas.partner, personas.polytechnic):
        campus, building = CAMPUSES[inst.code], BUILDINGS[inst.code]
        for i in range(1, CLASSROOMS_PER_INSTITUTION + 1):
            rooms.append(
                Room(
                    institution=inst,
                    campus=campus,
                    building=building,
                    name=f"{300 + i}호",
                    capacity=rng.choice([25, 30, 40, 40, 50, 60]),
                )
            )
        for facility in Facility.objects.filter(institution=inst):
            rooms.append(
                Room(
                    institution=inst,
                    campus=campus,
                    building=facility.building,
                    name=f"{facility.room} {facility.name}",
                    capacity=24,
                    is_lab=True,
                    facility=facility,
                )
            )
    Room.objects.bulk_create(rooms)
    CampusTravel.objects.bulk_create([CampusTravel(campus_a=a, campus_b=b, minutes=m) for a, b, m in TRAVEL])
    return len(rooms)
