"""A shape is declared once: a variant keeps, derives and is given fields; a record is only given."""

from types import SimpleNamespace

import pytest

from hallops.core.read.projection import Field, Projection, Record


class Counting(SimpleNamespace):
    reads: list

    def __getattribute__(self, name):
        if not name.startswith("_") and name != "reads":
            object.__getattribute__(self, "reads").append(name)
        return object.__getattribute__(self, name)


SHAPE = Projection("Thing", id=Field(int, "pk"), name=Field(str), secret=Field(str))
BRIEF = SHAPE.variant("ThingBrief", "id", ("label", Field(str, lambda d: d["name"].upper())), uses=("name",),
                      rank=Field(int))


def test_a_variant_reads_only_the_fields_it_keeps_or_uses():
    thing = Counting(pk=1, name="a", secret="s", reads=[])
    assert BRIEF.of(thing, rank=2) == {"id": 1, "label": "A", "rank": 2}
    assert "secret" not in thing.reads


def test_a_variant_of_a_dict_equals_the_variant_of_the_object():
    thing = SimpleNamespace(pk=1, name="a", secret="s")
    assert BRIEF.of(SHAPE.of(thing), rank=0) == BRIEF.of(thing, rank=0)


def test_a_record_takes_exactly_its_fields():
    totals = Record("Totals", waiting=Field(int), served=Field(int))
    assert totals.of(waiting=1, served=2) == {"waiting": 1, "served": 2}
    with pytest.raises(TypeError):
        totals.of(waiting=1)
    with pytest.raises(TypeError):
        totals.of(waiting=1, served=2, extra=3)
