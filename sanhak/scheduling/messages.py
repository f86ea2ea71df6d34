"""What the worker saves for people to read — a run's message and the lines explaining a failure — is
kept as the Korean msgid and its parameters and translated when a page shows it: the worker runs in
the site's language, and an English page must still read English.

Write one as ``message(gettext_noop("… %(n)d … / … %(n)d …"), n=3)`` (gettext_noop so that
makemessages finds the msgid); a parameter that is itself a ``message(...)`` is translated too.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

Message = dict[str, Any]  # {"msgid": str, "params": {name: JSON value or Message}}, stored in SchedulingRun.result


def message(msgid: str, **params: Any) -> Message:
    return {"msgid": msgid, "params": params}


def text(stored: Message | str) -> str:
    """A stored message in the active language; plain text (validator output, older runs) as it is."""
    if not isinstance(stored, dict):
        return str(stored)
    params = {name: text(value) if isinstance(value, dict) else value for name, value in stored["params"].items()}
    translated = gettext(stored["msgid"])
    return translated % params if params else translated
