"""The default competency catalog, NCS level definitions and tracks, shipped inside the project."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOG_FILE = DATA_DIR / "smart_manufacturing_catalog.csv"
NCS_LEVELS_FILE = DATA_DIR / "ncs_levels.csv"

TRACKS = [
    # code, Korean, English, NCS levels, order
    ("rnd", "연구개발인력", "R&D personnel", 6, 8, 1),
    ("technical", "기술인력", "Technical personnel", 4, 6, 2),
    ("skilled", "기능인력", "Skilled workers", 2, 4, 3),
]


def catalog_rows() -> list[dict[str, str]]:
    with CATALOG_FILE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_reference(ncs_level_model: Any, track_model: Any, competency_model: Any) -> None:
    """Create or update the reference rows; safe to re-run."""
    with NCS_LEVELS_FILE.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            ncs_level_model.objects.update_or_create(
                level=int(row["level"]),
                defaults={"definition_ko": row["definition_ko"], "experience_ko": row["experience_ko"]},
            )
    for code, ko, en, lo, hi, order in TRACKS:
        track_model.objects.update_or_create(
            code=code, defaults={"name_ko": ko, "name_en": en, "level_min": lo, "level_max": hi, "order": order}
        )
    for row in catalog_rows():
        competency_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "domain_ko": row["domain_ko"],
                "domain_en": row["domain_en"],
                "name_ko": row["name_ko"],
                "name_en": row["name_en"],
                "description_ko": row["description_ko"],
                "keywords": row["keywords_ko"],
                "level_min": int(row["level_min"]),
                "level_max": int(row["level_max"]),
                "ncs_hint": row["ncs_hint"],
            },
        )
