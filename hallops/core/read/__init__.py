"""The read side: one projection per thing the hall shows, and the read models built from them.

| module | what |
|---|---|
| projection.py | Projection / Variant / Record: a shape declared once (fields, types, how each is read) |
| windows.py | a window and its staff card; the brief a ticket or device names |
| tickets.py | a ticket: staff view, public view, tracking, issued reply, waiting row, pad prompt |
| services.py | a matter and the kiosk catalogue |
| queue.py | a window's waiting list and its detail for the staff console |
| load.py | the hall's live load (lobby dashboard, /load/) |
| devices.py | a device: dashboard health, status event, gateway hello |
| position.py | a citizen's place in line and estimated wait, from the call order of the windows that will call them |

A ticket's place in line and wait come from position.py; a matter's figures (waiting, open
windows, estimated wait) from hallops.core.estimates.
The API's response schemas are built from these shapes (hallops.api.schemas).
"""
