"""manage.py credential_verify FILE.json."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from sanhak.credentials.tests.vectors import W3C_RDFC, read_json


def run(path: Path | str) -> tuple[int, str]:
    out = io.StringIO()
    err = io.StringIO()
    try:
        call_command("credential_verify", str(path), stdout=out, stderr=err)
    except SystemExit as exc:
        assert err.getvalue() == ""
        return int(exc.code or 0), out.getvalue()
    assert err.getvalue() == ""
    return 0, out.getvalue()


def test_w3c_signed_vector_is_valid_offline() -> None:
    assert run(W3C_RDFC / "signedDataInt.json") == (0, "valid\n")


def test_tampered_file(tmp_path: Path) -> None:
    document = read_json(W3C_RDFC / "signedDataInt.json")
    document["credentialSubject"]["alumniOf"] = "Somewhere Else"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert run(path) == (1, "invalid: tampered content or wrong key\n")


def test_unknown_context_file() -> None:
    assert run(W3C_RDFC / "employ" / "signedDataInt.json") == (1, "invalid: unknown context\n")


@pytest.mark.parametrize("content", [None, "{", "", "\x00"])
def test_missing_file_or_bad_json(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "credential.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert run(path) == (1, "invalid: malformed input\n")


def test_directory_is_malformed_input(tmp_path: Path) -> None:
    assert run(tmp_path) == (1, "invalid: malformed input\n")


def test_exit_code_of_the_real_process(tmp_path: Path) -> None:
    """One real `manage.py` run (a few seconds of Django start-up): exit status 1, no traceback."""
    import subprocess
    import sys

    project = Path(__file__).resolve().parents[3]
    invalid = subprocess.run(
        [sys.executable, "manage.py", "credential_verify", str(tmp_path / "missing.json")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (invalid.returncode, invalid.stdout, invalid.stderr) == (1, "invalid: malformed input\n", "")
