"""ORM queries compiled once and run again with new values: the hot reads of issuing, calling and
the catalogue.

Django builds and compiles a queryset's SQL on every evaluation: about half a millisecond of CPU per
statement here, more than PostgreSQL takes to answer it, and on a request of eight statements more
than all its round trips together (docs/performance.md, issue 14's "Second round"). A ``Prepared`` query
keeps its queryset written with the ORM, in one place, and compiles it once per database alias and
shape; later runs send the cached SQL with the new values.

How the values find their places: the query is built once with marker values (unlikely integers,
strings, dates and times, each marker distinct), compiled, and every compiled parameter equal to a
marker becomes a slot for that argument; the rest are constants of the query. A list argument (an
``__in``) compiles per length. Arguments may be ``int``, ``str``, ``date``, ``datetime`` or a list
of ``int``; ``None`` is not a value here (it changes the SQL: ``IS NULL``). A query the ORM knows to
be empty (``__in=[]`` on its own) returns no rows without a statement, as it would.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorDebugWrapper
from psycopg import _queries as _psycopg_queries

# psycopg turns a query's %s placeholders into $n on every execution, prepared or not, and caches
# that conversion only for queries up to 4096 bytes and 50 values: beyond, it splits the query with
# a regular expression each time (about 0.3 ms of CPU here for the place-in-line count, whose values
# grow with the windows, and for the claim, 4.5 KB). Our hot statements are few and fixed in shape,
# so the cache (an LRU of 128) holds them all; tests/hallops/core/test_prepared.py checks that
# issuing and calling convert nothing twice, and fails if psycopg renames these.
_psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(_psycopg_queries.MAX_CACHED_STATEMENT_LENGTH, 16384)
_psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(_psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, 512)

_INT_BASE = 1_987_650_000
_DAY_ZERO = date(1901, 1, 1)
_TIME_ZERO = datetime(1901, 1, 1, tzinfo=UTC)


class _PreparingCursor(psycopg.Cursor):
    """Server-side binding, and every statement prepared on first use on its connection."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


@contextmanager
def cursor():
    """A cursor for the hot statements: on PostgreSQL (unless HALLOPS_DB_PREPARE=0) it binds on the
    server and prepares each statement on first use per connection, so later runs skip parsing and
    planning (the call-next probe took longer to plan than to run); elsewhere Django's own cursor.
    Statements are logged and counted like any other."""
    db = _db()
    db.ensure_connection()
    raw = db.connection
    if db.vendor != "postgresql" or getattr(raw, "prepare_threshold", None) is None:
        with db.cursor() as cur:
            yield cur
        return
    with _PreparingCursor(raw) as pg:
        yield _LoggedWithValues(pg, db) if db.queries_logged else db.make_cursor(pg)


def _db():
    # The wrapper `django.db.connection` stands for, found once: every attribute read through that
    # proxy looks the wrapper up again in asgiref's thread-and-task-local storage, and the hot paths
    # read a dozen per statement (7 % of an action's CPU in a profile).
    return connections[DEFAULT_DB_ALIAS]


class _LoggedWithValues(CursorDebugWrapper):
    """Under DEBUG and in tests: a prepared statement leaves psycopg no query text to report, so the
    log gets the SQL with its values composed in (only then: composing costs what preparing saves)."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        if use_last_executed_query and not many:
            sql, use_last_executed_query = self.db.ops.compose_sql(sql, params), False
        with super().debug_sql(sql, params, use_last_executed_query, many):
            yield


class _Markers:
    """Distinct marker values, and for each its adapted (as-compiled) form -> slot."""

    def __init__(self):
        self.n = 0
        self.slots = {}  # adapted marker -> (argument name, index within a list or None)

    def make(self, name, value, index=None):
        self.n += 1
        k, ops = self.n, connection.ops
        if isinstance(value, bool):
            raise TypeError(f"prepared query argument {name}: bool is not supported")
        if isinstance(value, int):
            marker = adapted = _INT_BASE + 7919 * k
        elif isinstance(value, str):
            marker = adapted = f"\u2063prepared-{k}\u2063"
        elif isinstance(value, datetime):
            marker = _TIME_ZERO + timedelta(seconds=k)
            adapted = ops.adapt_datetimefield_value(marker)
        elif isinstance(value, date):
            marker = _DAY_ZERO + timedelta(days=k)
            adapted = ops.adapt_datefield_value(marker)
        else:
            raise TypeError(f"prepared query argument {name}: {type(value).__name__} is not supported")
        self.slots[_hashable(adapted)] = (name, index)
        return marker


def _hashable(value):
    return (type(value).__name__, value)


def _adapt(value, ops):
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    return value


class Prepared:
    """``build(**arguments)`` returns a ``values_list`` queryset; ``rows(**arguments)`` runs it.

    With ``model``, the values_list must name the model's concrete fields by attname, in order
    (``Prepared.fields(model)``), and ``objects``/``first`` return model instances.
    """

    def __init__(self, build, *, model=None):
        self._build = build
        self._model = model
        self._names = self.fields(model) if model is not None else None
        self._compiled = {}

    @staticmethod
    def fields(model) -> list[str]:
        return [f.attname for f in model._meta.concrete_fields]

    @staticmethod
    def _shape(alias, arguments):
        return (alias, *sorted(
            (name, len(v) if isinstance(v, list | tuple) else type(v).__name__) for name, v in arguments.items()))

    def _compile(self, arguments):
        markers = _Markers()
        marked = {}
        for name, value in arguments.items():
            if isinstance(value, list | tuple):
                marked[name] = [markers.make(name, v, i) for i, v in enumerate(value)]
            else:
                marked[name] = markers.make(name, value)
        compiler = self._build(**marked).query.get_compiler(connection.alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        slots = [markers.slots.get(_hashable(p)) for p in params]
        placed = {s for s in slots if s is not None}
        lost = [slot[0] for slot in markers.slots.values() if slot not in placed]
        if lost:
            # The ORM changed the value on its way in (a JSON key lookup encodes it, say): it cannot
            # be found among the parameters, and sending the marker would answer the wrong question.
            raise TypeError(f"prepared query: argument {lost[0]} does not reach the SQL as given")
        constants = [None if s is not None else p for s, p in zip(slots, params)]
        fields = [s[0] for s in compiler.select[0:compiler.col_count]]
        converters = [(i, convs, expr) for i, (convs, expr) in compiler.get_converters(fields).items()]
        return sql, slots, constants, converters

    def rows(self, **arguments) -> list[tuple]:
        db = _db()
        shape = self._shape(db.alias, arguments)
        compiled = self._compiled.get(shape)
        if compiled is None and shape not in self._compiled:
            compiled = self._compiled[shape] = self._compile(arguments)
        if compiled is None:
            return []
        sql, slots, constants, converters = compiled
        ops = db.ops
        params = [
            c if s is None else _adapt(arguments[s[0]] if s[1] is None else arguments[s[0]][s[1]], ops)
            for s, c in zip(slots, constants)
        ]
        with cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        if converters:
            rows = [_converted(row, converters, db) for row in rows]
        return rows

    def objects(self, **arguments) -> list:
        names, model = self._names, self._model
        return [model.from_db(DEFAULT_DB_ALIAS, names, row) for row in self.rows(**arguments)]

    def first(self, **arguments):
        found = self.objects(**arguments) if self._model is not None else self.rows(**arguments)
        return found[0] if found else None


def _converted(row, converters, db):
    row = list(row)
    for i, convs, expr in converters:
        value = row[i]
        for convert in convs:
            value = convert(value, expr, db)
        row[i] = value
    return tuple(row)


_MODEL_CONVERTERS = {}  # (model, database vendor) -> [(column index, converters, column)]


def model_values(model, values) -> tuple:
    """A raw row of the model's concrete columns, in order, as the ORM would return it (UUIDs,
    datetimes and booleans on SQLite), for rows read by hand-written SQL. The converters depend only
    on the model and the database, so they are found once."""
    db = _db()
    key = (model, db.vendor)
    converters = _MODEL_CONVERTERS.get(key)
    if converters is None:
        converters = []
        for i, field in enumerate(model._meta.concrete_fields):
            col = field.get_col(model._meta.db_table)
            convs = db.ops.get_db_converters(col) + field.get_db_converters(db)
            if convs:
                converters.append((i, convs, col))
        _MODEL_CONVERTERS[key] = converters
    return _converted(values, converters, db) if converters else tuple(values)


class Joined(Prepared):
    """A model and what ``select_related(*paths)`` would join to it, compiled once.

    ``build(**arguments)`` returns the filtered queryset (``select_for_update`` and all); ``objects``
    returns instances of ``model`` with the related instances cached as select_related leaves them
    (a missing one cached as None, so a reverse one-to-one reads as absent).
    """

    def __init__(self, build, *, model, related=()):
        # One step per model of the row, worked out once: its columns' span, where its primary key
        # is, and the field of its parent that caches it.
        self._steps, models, start = [], {"": model}, 0
        for path in ("", *related):
            parent_path, _, name = path.rpartition("__")
            if path and parent_path not in models:
                raise ValueError(f"Joined: {path!r} must come after its parent")
            m = models[path] = models[parent_path]._meta.get_field(name).related_model if path else model
            names = self.fields(m)
            link = models[parent_path]._meta.get_field(name) if path else None
            self._steps.append((path, parent_path, link, m, names, start, names.index(m._meta.pk.attname)))
            start += len(names)
        columns = [f"{path}__{name}" if path else name
                   for path, _parent, _link, _m, names, _start, _pk in self._steps for name in names]
        super().__init__(lambda **kw: build(**kw).values_list(*columns), model=model)

    def objects(self, **arguments) -> list:
        alias, out = DEFAULT_DB_ALIAS, []
        for row in self.rows(**arguments):
            made = {}
            for path, parent_path, link, m, names, start, pk in self._steps:
                values = row[start:start + len(names)]
                obj = m.from_db(alias, names, values) if values[pk] is not None else None
                if link is not None:
                    parent = made[parent_path]
                    if parent is None:
                        obj = None
                    else:
                        link.set_cached_value(parent, obj)
                made[path] = obj
            out.append(made[""])
        return out
