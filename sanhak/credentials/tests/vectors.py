"""The W3C vc-di-eddsa and 1EdTech OB 3.0 test vectors in ../shared/data/vc."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sanhak.common.shared_data import shared_data

W3C = shared_data("vc", "w3c-vc-di-eddsa")
W3C_RDFC = W3C / "eddsa-rdfc-2022"
OB3 = shared_data("vc", "1edtech-ob3", "test-vectors-obv3p0")


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def read_json(path: Path) -> Any:
    return json.loads(read_text(path))
