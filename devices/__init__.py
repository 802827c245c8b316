"""Device drivers (plain Python, no Django) and the adapters that bind them to the core.

Drivers live in subpackages (``printer``, ``led``, ``pad``, ``voice``, ``cameras``,
``gateway``) and never import Django; ``devices.apps`` and ``devices.adapters`` do.
"""
