"""Live sockets: one hall event stream, many kinds of subscriber (see docs/realtime.md).

stream.py is the socket (a dispatcher over displays.streams' declared kinds); fanout.py brings each
hall's events to the sockets of a process in order; refresh.py throttles and shares state frames;
presence.py marks browser devices online while connected.
"""

from .stream import HallStreamConsumer, NoSuchStream

__all__ = ["HallStreamConsumer", "NoSuchStream"]
