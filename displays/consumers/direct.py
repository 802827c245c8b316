"""A hall event many screens send unchanged: framed once, written straight to each socket on daphne.

Through channels a frame goes consumer → daphne's `handle_reply` → its WebSocket protocol →
autobahn, which frames the payload again for every socket, and Twisted then queues it for the
event loop's next turn. For a hall event that 500 screens send byte for byte alike, the hand-down
and the queueing were about half of a screens' daphne's CPU per call (docs/performance.md, eighth
round). autobahn has a call for the first part (a `PreparedMessage`: the frame's bytes, made once,
sent on many connections); `_write_now` does the second.

The writer is used only where the socket's `send` is daphne's own (the partial of
`Server.handle_reply` over the socket's protocol, which is what daphne hands the application);
under any other server, or the test communicator, there is none and frames go the ASGI way. Both
ways write to the transport at once, in the order the consumer sends, so a snapshot sent the ASGI
way and the events after it sent directly keep their order.
"""

import functools
import sys

from twisted.internet.tcp import Server as _TCP_SERVER

from hallops.sockets import SharedFrame, encode


class DirectWriter:
    """One socket's protocol, for SharedFrames only (they never change once shared)."""

    __slots__ = ("protocol",)

    def __init__(self, protocol):
        self.protocol = protocol

    def send(self, frame: SharedFrame) -> None:
        protocol = self.protocol
        if protocol.state != protocol.STATE_OPEN:
            return  # closing or gone: daphne's own path drops these too
        try:
            prepared = frame.prepared
        except AttributeError:
            prepared = frame.prepared = protocol.factory.prepareMessage(encode(frame).encode())
        if not _write_now(protocol, prepared.payloadHybi):
            protocol.sendPreparedMessage(prepared)


def _write_now(protocol, data: bytes) -> bool:
    """Hand the frame to the kernel at once when nothing of this socket waits to be written.

    Twisted's write only queues: it registers the socket with the event loop, sends on the next
    turn and unregisters, a callback and two epoll changes per frame, about a third of a screens'
    daphne's CPU for one frame per screen per call (eighth round). asyncio's own transports try the
    send first; this does the same for a plain TCP socket whose buffers are empty, so the order of
    the bytes cannot change, and leaves what the kernel does not take to Twisted, queued as usual.
    Anything else (TLS, compression, an autobahn send queue, a closing socket) goes the usual way.
    """
    transport = protocol.transport
    if (type(transport) is not _TCP_SERVER or transport.TLS or not transport.connected or transport.disconnecting
            or transport._tempDataLen or transport.offset != len(transport.dataBuffer)
            or protocol.send_queue or protocol._perMessageCompress is not None):
        return False
    try:
        sent = transport.socket.send(data)
    except BlockingIOError:
        sent = 0
    except OSError:
        return False  # Twisted's own write meets the error and closes the connection its way
    if sent < len(data):
        transport.write(data[sent:])
    protocol.trafficStats.outgoingOctetsWireLevel += len(data)  # as autobahn's sendData counts
    return True


def direct_writer(send):
    """A DirectWriter when `send` is daphne's reply callable for a WebSocket, else None."""
    server = sys.modules.get("daphne.server")  # loaded only when daphne serves; never import it here
    if server is None or type(send) is not functools.partial or len(send.args) != 1:
        return None
    from daphne.ws_protocol import WebSocketProtocol

    owner = getattr(send.func, "__self__", None)
    if isinstance(owner, server.Server) and send.func.__func__ is server.Server.handle_reply \
            and isinstance(send.args[0], WebSocketProtocol):
        return DirectWriter(send.args[0])
    return None
