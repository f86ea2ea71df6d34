"""Database sessions, read with a prepared query.

Every logged-in request reads its session; Django's database backend builds and compiles an ORM query
for that each time, which costs several times the query itself. This store reads the same row with the
same rule (the key, not expired) through `Prepared`; writing, expiry and clearing are Django's, so
logging out and `clearsessions` work exactly as with `django.contrib.sessions.backends.db`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models.functions import Now

from sanhak.common.prepared import Prepared

_SESSION_DATA = Prepared(
    lambda key: Session.objects.filter(session_key=key, expire_date__gt=Now()).values_list("session_data"),
    types=(str,),
)


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        rows = _SESSION_DATA(self.session_key) if self.session_key else []
        if not rows:
            self._session_key = None  # as Django's: an unknown or expired key starts a new session
            return {}
        return self.decode(rows[0][0])
