"""Database sessions, read together with their user in one prepared query.

Every logged-in request reads its session and then its user (with the roles and the unread count the
permission checks and the navigation need). The session row records its user (`accounts.Session`),
so both come in one round trip, through `Prepared` (no ORM query compilation per request). The user
read with the session is handed to the authentication backend (`accounts.backends`) for this request
only. Writing, expiry and clearing are Django's database sessions', so logging out and
`clearsessions` work as with `django.contrib.sessions.backends.db`.

The same query reads the database's version (`common.dbversion`), before the view reads anything: a
page kept per user (`common.pagecache.private_page`) is current while it has not moved.
"""

from __future__ import annotations

import functools
import json
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.core import signing
from django.core.signing import JSONSerializer
from django.db import router
from django.db.models import FilteredRelation, Q, QuerySet, Subquery
from django.db.models.functions import Now

from sanhak.accounts.backends import preload_user, user_columns
from sanhak.accounts.models import Session
from sanhak.common import dbversion
from sanhak.common.prepared import Prepared


def _session_and_user(key: str) -> QuerySet[Session, tuple[Any, ...]]:
    """The live session, its user (joined on the user id the session row holds, looked up on its own:
    the join then reads the user by primary key whatever the statistics say), the database's version.

    A plain join lets PostgreSQL's planner pick a merge join that walks the user table's primary key from
    the start up to the session's user: cheap while the statistics say sessions belong to the first few
    users (the first staff to log in, when the table was last analyzed), 100 ms per request for a user
    added later among 200,000 (measured; `tests/test_request_user.py` checks the plan)."""
    live = Session.objects.filter(session_key=key, expire_date__gt=Now())
    return user_columns(
        live.annotate(
            session_user=FilteredRelation("user", condition=Q(user__id=Subquery(live.values("user_id")))),
            version=dbversion.DatabaseVersion(),
        ),
        "session_user__",
        "user_id",
        "session_data",
        "version",
    )


_SESSION_AND_USER = Prepared(_session_and_user, types=(str,))


@functools.lru_cache(maxsize=4096)
def _verified(session_data: str, salt: str, secret_key: str, fallbacks: tuple[str, ...]) -> str | None:
    """The session's data as JSON if its signature holds under these keys (the keys are part of the
    memo: a changed SECRET_KEY checks again), else None."""
    try:
        data = signing.loads(session_data, salt=salt, serializer=JSONSerializer)
    except Exception:  # a bad signature, bad JSON: Django's decode says which, and gives an empty session
        return None
    return json.dumps(data)


class SessionStore(db.SessionStore):
    database_version: Any = None  # read with the session (`dbversion.version`); None until then, or unknown

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session = cast(Session, super().create_model_instance(data))
        try:
            session.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.user_id = None
        return session

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        """Django's decoding (signature checked, then JSON), done once per stored value and key: the
        same session row comes back on every request, and checking its signature costs a tenth of a
        kept page's time. A fresh copy each time (the request may change it)."""
        if self.serializer is not JSONSerializer or not isinstance(session_data, str):
            return super().decode(session_data)
        verified = _verified(session_data, self.key_salt, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))
        if verified is None:
            return super().decode(session_data)  # refused: as Django (logged, empty)
        return cast(dict[str, Any], json.loads(verified))

    def load(self) -> dict[str, Any]:
        rows = _SESSION_AND_USER(self.session_key) if self.session_key else []
        preload_user(rows, offset=2)  # this request's user (or none), for the backend
        self.database_version = dbversion.version(rows[0][1] if rows else None, using=router.db_for_read(Session))
        if not rows:
            self._session_key = None  # as Django's: an unknown or expired key starts a new session
            return {}
        data: dict[str, Any] = self.decode(rows[0][0])
        return data
