"""The API's response schemas are built from the read side's declarations: same names, same fields."""

from hallops.api import schemas
from hallops.core.read.load import LOAD, LOAD_WINDOW
from hallops.core.read.queue import WINDOW_DETAIL
from hallops.core.read.services import CATALOGUE_ROW
from hallops.core.read.tickets import ISSUED, TICKET, TRACK, WAITING_ROW
from hallops.core.read.windows import WINDOW


def test_each_response_schema_has_exactly_the_fields_of_its_projection():
    for schema, shape in [(schemas.TicketOut, TICKET), (schemas.TrackOut, TRACK), (schemas.IssuedOut, ISSUED),
                          (schemas.WaitingOut, WAITING_ROW), (schemas.WindowOut, WINDOW),
                          (schemas.WindowDetailOut, WINDOW_DETAIL), (schemas.ServiceOut, CATALOGUE_ROW),
                          (schemas.LoadWindow, LOAD_WINDOW), (schemas.LoadOut, LOAD)]:
        assert schema.__name__ == shape.name
        assert list(schema.model_fields) == list(shape.fields), shape.name


def test_a_nullable_field_is_nullable_and_a_description_reaches_the_document():
    doc = schemas.ServiceOut.model_json_schema()
    assert {"type": "null"} in doc["properties"]["remaining_quota"]["anyOf"]
    assert doc["properties"]["open"]["description"].startswith("the hall issues numbers now")
    assert schemas.TicketOut.model_json_schema()["properties"]["issued_at"]["format"] == "date-time"
