"""Where the read-only reference data of the workplace lives (`../shared/data` beside the checkout).

Only tests and benchmarks read it; the running platform ships what it needs. A fresh clone may sit
anywhere, so: `SANHAK_SHARED_DIR` if set, else a `shared/` folder beside any parent of the project,
else `/work/shared`.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    env = os.environ.get("SANHAK_SHARED_DIR")
    if env:
        return Path(env)
    for parent in PROJECT.parents:
        candidate = parent / "shared"
        if (candidate / "data").is_dir():
            return candidate
    return Path("/work/shared")


def shared_data(*parts: str) -> Path:
    """A path under the shared data folder, e.g. shared_data("itc2019", "lums-sum17.xml")."""
    return shared_dir().joinpath("data", *parts)
