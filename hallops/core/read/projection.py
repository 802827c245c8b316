"""Declaring a read shape once: its fields, their types and how each is read.

A Projection names the fields of one thing as the hall shows it (a ticket, a window, a device)
and reads them from a model object. A Variant is an explicit reduction of a projection's dict
(the public view of a ticket, a window's brief): it keeps some fields, derives others from the
dict, and declares the ones its read model supplies. Because a variant reads the *dict*, the
same definition serves a snapshot (from a model) and a socket frame (from an event payload).

The API builds its response schemas from these declarations (hallops.api.schemas), so a field
exists, has one type and one description, in one place.
"""

from dataclasses import dataclass
from typing import Any, Callable


class Timestamp:
    """An ISO 8601 string (the API documents it as date-time)."""


def iso(dt):
    return dt.isoformat() if dt else None


@dataclass(frozen=True)
class Field:
    type: Any  # a Python type, Timestamp, or another Projection / Variant (nested)
    get: Callable | str | None = None  # attribute name or function of the source; None: supplied
    nullable: bool = False
    many: bool = False
    description: str | None = None


class Projection:
    """Fields read from a model object, in order."""

    def __init__(self, name: str, /, **fields: Field):
        self.name, self.fields = name, fields
        self._getters = [(n, f.get if f.get is not None else n) for n, f in fields.items()]

    def of(self, obj, only=None) -> dict:
        getters = self._getters if only is None else [(n, g) for n, g in self._getters if n in only]
        return {n: (g(obj) if callable(g) else getattr(obj, g)) for n, g in getters}

    def maybe(self, obj):
        return self.of(obj) if obj is not None else None

    def variant(self, name: str, /, *entries, uses=(), **extra: Field) -> "Variant":
        return Variant(name, self, entries, extra, uses)

    def extend(self, name: str, /, **given: Field) -> "Variant":
        """Every field of this projection plus fields the read model supplies."""
        return Variant(name, self, tuple(self.fields), given)


class Variant:
    """A declared reduction of a projection's dict.

    entries: a base field name kept as is, or (name, Field) whose `get` reads the base dict.
    uses: the base fields those `get`s read; from a model object only kept and used fields are read.
    extra: fields given by the caller of `of` (keyword arguments), e.g. a position in the queue.
    """

    def __init__(self, name, base: Projection, entries, extra: dict[str, Field], uses=()):
        self.name, self.base = name, base
        self.fields, self._plan = {}, []
        for entry in entries:
            if isinstance(entry, str):
                self.fields[entry] = base.fields[entry]
                self._plan.append((entry, None))
            else:
                field_name, spec = entry
                self.fields[field_name] = spec
                self._plan.append((field_name, spec.get))
        self._given = tuple(extra)
        self.fields.update(extra)
        self._reads = {n for n, g in self._plan if g is None} | set(uses)

    def of(self, source, /, **given) -> dict:
        """`source`: a model object or the base projection's dict of it (e.g. an event payload)."""
        d = source if isinstance(source, dict) else self.base.of(source, only=self._reads)
        out = {n: (d[n] if g is None else g(d)) for n, g in self._plan}
        missing = set(self._given) - set(given)
        if missing:
            raise TypeError(f"{self.name} needs {sorted(missing)}")
        for n in self._given:
            out[n] = given[n]
        return out

    def maybe(self, source, /, **given):
        return self.of(source, **given) if source is not None else None


class Record:
    """A shape whose every field its read model supplies (totals, a snapshot's envelope)."""

    def __init__(self, name: str, /, **fields: Field):
        self.name, self.fields = name, fields

    def of(self, **values) -> dict:
        if values.keys() != self.fields.keys():
            raise TypeError(f"{self.name}: {sorted(values.keys() ^ self.fields.keys())}")
        return {n: values[n] for n in self.fields}
