"""Device drivers: plain Python, no Django, no hallops.

Printers, LED strips, evaluation pads, voice, cameras, the serial line, transports and the
gateway client live here and are usable on a hall PC without the server. The Django app that
binds them to the core (models, hub, adapters, the gateway socket) is ``hallops.devices``; the
rule is an import-linter contract (``.importlinter``), checked by ``make test``.
"""
