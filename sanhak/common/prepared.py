"""Querysets compiled once, for the few queries that run on every request of a hot page.

Building and compiling an ORM query costs the Python side several times what the database needs to
answer a short indexed query (about 0.2–0.5 ms against 0.02–0.07 ms on the benchmark host). A
`Prepared` query is written as an ordinary `values_list()` queryset of its arguments (ids, or strings);
it is compiled once per database connection with marker values in their place, and each call runs that
SQL with the call's values. The rows are exactly what `queryset(*args)` would return: the same SQL, passed
through the same converters (datetimes, decimals, booleans) in the same column order.

    roster_rows = Prepared(lambda offering_id: Enrollment.objects.filter(offering_id=offering_id).values_list(...))
    roster_rows(929)            # list of tuples, one query, no ORM compilation after the first call

Only values that arrive as SQL parameters unchanged can vary (ids and keys in exact filters); everything
else in the queryset (statuses, ordering, slices, the time: use `Now()`) is fixed when it is written.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLCompiler
from django.utils.functional import cached_property

_MARKER = -7_346_211_000  # marker i is _MARKER - i: no real id is negative
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    converters: dict[int, Any]  # the compiler's, per column (they use the connection compiled for)
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (parameter position, argument index)


class Prepared:
    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *, types: tuple[type, ...] | None = None) -> None:
        """`build` takes the arguments (integers, or the `types` given: int or str) and returns the queryset."""
        self.build = build
        self.types = types or (int,) * len(inspect.signature(build).parameters)
        self.arity = len(self.types)
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()

    @cached_property  # not in __init__: a Prepared may be defined while the apps are still loading
    def _model(self) -> type[Any]:
        return self.build(*self._markers()).model

    def _markers(self) -> list[Any]:
        return [_MARKER - i if t is int else f"\x1fprepared-{i}\x1f" for i, t in enumerate(self.types)]

    def queryset(self, *args: Any) -> QuerySet[Any, Any]:
        """The queryset itself (for a caller that wants the ORM, or to check the equivalence)."""
        return self.build(*args)

    def __call__(self, *args: Any) -> list[tuple[Any, ...]]:
        compiled, raw = self._fetch(args)
        if not compiled.converters:
            return raw
        return [tuple(row) for row in compiled.compiler.apply_converters(raw, compiled.converters)]

    def _fetch(self, args: tuple[Any, ...]) -> tuple[_Compiled, list[tuple[Any, ...]]]:
        if tuple(type(a) for a in args) != self.types:
            raise TypeError(f"{self.build!r} takes arguments of types {self.types}, got {args!r}")
        connection = connections[router.db_for_read(self._model)]
        compiled = self._compiled.get(connection) or self._compile(connection)
        if any(type(a) is int and not _BIGINT_MIN <= a <= _BIGINT_MAX for a in args):
            return compiled, []  # matches no row (as the ORM answers), where the driver would raise
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = args[index]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            raw = cursor.fetchall()
        if compiled.compiler.has_extra_select:  # ORDER BY expressions selected only to order by (as execute_sql)
            raw = [r[: compiled.compiler.col_count] for r in raw]
        return compiled, raw

    def _compile(self, connection: Any) -> _Compiled:
        markers = self._markers()
        queryset = self.build(*markers)
        if queryset._iterable_class is not ValuesListIterable:
            raise TypeError("Prepared takes a values_list() queryset (not flat, not named)")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = tuple((pos, markers.index(p)) for pos, p in enumerate(params) if type(p) in (int, str) and p in markers)
        missing = set(range(self.arity)) - {index for _, index in slots}
        if missing:
            raise ValueError(f"argument(s) {sorted(missing)} of {self.build!r} do not reach the SQL as parameters")
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        compiled = _Compiled(compiler, converters, sql, tuple(params), slots)  # the SELECT is in values_list() order
        self._compiled[connection] = compiled
        return compiled


class PreparedObjects:
    """Model instances read through a `Prepared` query, with forward relations filled as
    `select_related` fills them.

    `fields` maps a relation path ("" for the model itself, "course", "course__institution") to the
    field names loaded for it (None: every concrete field). Fields not loaded are deferred: reading
    one loads it, as after `.only()`. A relation whose row is missing (a null foreign key) is None.
    """

    def __init__(
        self,
        build: Callable[..., QuerySet[Any, Any]],
        fields: dict[str, list[str] | None],
        *,
        types: tuple[type, ...] | None = None,
    ) -> None:
        self.build = build
        self.fields = fields
        types = types or (int,) * len(inspect.signature(build).parameters)
        self.prepared = Prepared(lambda *args: build(*args).values_list(*self._columns()), types=types)

    @cached_property
    def _layout(self) -> list[tuple[str, type[Any], list[str]]]:
        """(path, model, attnames) per relation path, the model itself first."""
        model = self.build(*self.prepared._markers()).model
        layout = []
        for path, names in self.fields.items():
            related = model
            for part in path.split("__") if path else []:
                related = related._meta.get_field(part).related_model
            attnames = names or [f.attname for f in related._meta.concrete_fields]
            if related._meta.pk.attname not in attnames:
                raise ValueError(f"the fields of {path or 'the model'} must include its primary key")
            layout.append((path, related, attnames))
        return layout

    def _columns(self) -> list[str]:
        return [f"{path}__{name}" if path else name for path, _, names in self._layout for name in names]

    def __call__(self, *args: Any) -> list[Any]:
        alias = router.db_for_read(self._layout[0][1])
        objects = []
        for row in self.prepared(*args):
            made: dict[str, Any] = {}
            start = 0
            for path, model, names in self._layout:
                values = row[start : start + len(names)]
                start += len(names)
                pk_name = model._meta.pk.attname
                obj = model.from_db(alias, names, values) if values[names.index(pk_name)] is not None else None
                made[path] = obj
                if path:
                    parent, _, name = path.rpartition("__")
                    if made[parent] is not None:
                        made[parent]._meta.get_field(name).set_cached_value(made[parent], obj)
            objects.append(made[""])
        return objects


class PreparedInsert:
    """Rows of one model written by an INSERT compiled once per connection, for a row written on every
    request of a hot page (the PIPA access log). Each call builds the instance as `objects.create` does
    (defaults, `auto_now_add`) and passes every value through its field's own preparation
    (`get_db_prep_save`: JSON, time zones), so the row stored is the same; no signals are sent and
    the new row's id is not read back.

        log_access = PreparedInsert(PersonalDataAccess)
        log_access(viewer=user, purpose="roster", subject_count=2, subject_ids=[3, 4], path="/…")
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self._compiled: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()

    @cached_property
    def _fields(self) -> list[Any]:
        return [
            f
            for f in self.model._meta.local_concrete_fields
            if not f.generated and f is not self.model._meta.auto_field
        ]

    def __call__(self, **values: Any) -> None:
        connection = connections[router.db_for_write(self.model)]
        obj = self.model(**values)
        params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self._fields]
        sql = self._compiled.get(connection) or self._compile(connection, obj)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _compile(self, connection: Any, obj: Model) -> str:
        query = InsertQuery(self.model)
        query.insert_values(self._fields, [obj])
        [(sql, params)] = query.get_compiler(connection=connection).as_sql()
        if len(params) != len(self._fields):  # a field with its own placeholder SQL: not for this helper
            raise TypeError(f"{self.model.__name__}: {len(params)} parameters for {len(self._fields)} fields")
        self._compiled[connection] = sql
        return sql
