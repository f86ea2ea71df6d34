"""KSIC rev. 10 reference data shipped inside the project (source: shared/data/ksic)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
KSIC_FILE = DATA_DIR / "ksic_rev10_tree.csv"


def ksic_rows() -> list[tuple[str, str, int, str | None]]:
    """(code, name, level, parent) for every node of the tree, parents before children."""
    nodes: dict[str, tuple[str, str, int, str | None]] = {}
    with KSIC_FILE.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            parent: str | None = None
            for level in range(1, 6):
                code, name = row[f"ksic{level}_cd"].strip(), row[f"ksic{level}_nm"].strip()
                if code and code not in nodes:
                    nodes[code] = (code, name, level, parent)
                parent = code
    return list(nodes.values())


def load_ksic(ksic_model: Any) -> int:
    existing = set(ksic_model.objects.values_list("code", flat=True))
    rows = [r for r in ksic_rows() if r[0] not in existing]
    ksic_model.objects.bulk_create(
        [ksic_model(code=c, name=n, level=lvl, parent_id=p) for c, n, lvl, p in rows], batch_size=500
    )
    return len(rows)
