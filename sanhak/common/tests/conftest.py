from __future__ import annotations

import pytest

from sanhak.common import audit_spool


@pytest.fixture
def spool(settings, tmp_path):  # type: ignore[no-untyped-def]
    """The access log's spool switched on (test settings keep it off), in a folder of the test's own."""
    settings.ACCESS_LOG_SPOOL_DIR = str(tmp_path / "spool")
    settings.ACCESS_LOG_DRAIN_SECONDS = 0  # drained by hand, except where a test starts the thread
    audit_spool._retire_writer()
    directory = audit_spool.spool_dir()
    assert directory is not None and directory.parent == tmp_path / "spool"  # this database's folder
    yield directory
    audit_spool.stop_drainer()
    audit_spool._retire_writer()
