"""The Django app that binds the device drivers (package ``devices``) to the core.

Models of device traffic (commands, the inbox), the adapters that turn hall events into device
commands, the server's side of the gateway protocol (``hub``), its socket and the staff preview.
The app label stays ``devices``, so tables and migration history are those of before the split.
"""
