"""The event table in docs/realtime.md is generated from the event schemas and kept current."""

import pytest
from django.core.management import CommandError, call_command

from hallops.core import event_docs, event_schema


def test_the_event_table_in_the_docs_is_the_one_the_schemas_give():
    doc = event_docs.DOC.read_text(encoding="utf-8")
    assert event_docs.updated(doc) == doc, "docs/realtime.md is stale: run manage.py event_docs"
    call_command("event_docs", "--check")


def test_every_event_type_and_every_field_is_in_the_table():
    table = event_docs.table()
    for type_name, schema in event_schema.EVENT_TYPES.items():
        assert f"`{type_name}`" in table
        for name, info in schema.model_fields.items():
            assert f"`{info.alias or name}`" in table


def test_a_new_field_makes_the_doc_stale(monkeypatch):
    class Expired(event_schema.TicketsExpired):
        reason: str

    monkeypatch.setitem(event_schema.EVENT_TYPES, "tickets.expired", Expired)
    doc = event_docs.DOC.read_text(encoding="utf-8")
    assert "`reason`" in event_docs.updated(doc) and event_docs.updated(doc) != doc
    with pytest.raises(CommandError, match="stale"):
        call_command("event_docs", "--check")
