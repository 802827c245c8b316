"""channels_redis's channel layer, sending a group message in two Redis round trips instead of four.

Every action publishes its events to the hall's group after commit, and the view waits for the send
(hallops.core.events.run_layer says why), so the send is on the path of every call. channels_redis
4.3 makes four round trips for it: trim the group of expired members, read the members, trim each
member's inbox of expired messages, add the message to each inbox (a Lua script that checks the
capacity). Here the first two go in one pipeline, and the script trims the inboxes itself before it
adds: two round trips. Keys, message format, capacity and expiry are channels_redis's own, and
everything else (receiving, groups, sharding over several hosts) is its code unchanged.

A view sends its action's messages from its own thread, before it replies (``group_send_blocking``):
on a blocking connection of the process's pool, all of the action's groups in the same two round
trips. Going through the server's event loop instead cost the view about 0.9 ms per action on the
bench box (hand-offs between the view's thread and the loop, and redis-py's asyncio client), against
two round trips' worth here; and it took the loop away from the screens it fans out to.

A process receives what waits for its sockets in one round trip (``receive_single``): BZMPOP takes
everything queued on the process's channel at once, where channels_redis makes four round trips per
message (restore its in-flight backup, BZPOPMIN, back the message up, clear the backup). The backup
guards nothing here: no await separates the reply from the hand-over to the receive buffers, so a
cancelled receive loses what the same cancellation loses in channels_redis (a reply in flight).
On a screens' daphne under 14 windows calling, receiving was a fifth of its CPU.

This leans on two of channels_redis's internal helpers (``_group_key``,
``_map_channel_keys_to_connection``); requirements.txt pins the version, and
tests/hallops/test_redis_layer.py checks the behaviour against a real Redis.
"""

import logging
import threading
import time
from collections import defaultdict

import redis
import redis.sentinel
from channels_redis.core import RedisChannelLayer as _RedisChannelLayer

log = logging.getLogger(__name__)

RECEIVE_BATCH = 100  # messages taken off a process's channel in one round trip

# channels_redis's group_send script, with each inbox trimmed of expired messages first (its
# separate pipeline). ARGV: the messages, the capacities, then trim-before, now and expiry.
_SEND = """
local over_capacity = 0
local trim_before = ARGV[#ARGV - 2]
local current_time = ARGV[#ARGV - 1]
local expiry = ARGV[#ARGV]
for i=1,#KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, trim_before)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
        redis.call('ZADD', KEYS[i], current_time, ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""


def _blocking_pool(host: dict):
    """A blocking connection pool to the host, read as channels_redis.utils.create_pool reads it."""
    host = dict(host)
    if "address" in host:
        return redis.ConnectionPool.from_url(host.pop("address"), **host)
    master_name = host.pop("master_name", None)
    if master_name is not None:
        sentinel = redis.sentinel.Sentinel(host.pop("sentinels"), sentinel_kwargs=host.pop("sentinel_kwargs", None))
        return redis.sentinel.SentinelConnectionPool(master_name, sentinel, **host)
    return redis.ConnectionPool(**host)


class RedisChannelLayer(_RedisChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._blocking = {}
        self._blocking_lock = threading.Lock()

    async def group_send(self, group, message):
        assert self.require_valid_group_name(group), "Group name not valid"
        key = self._group_key(group)
        pipe = self.connection(self.consistent_hash(group)).pipeline(transaction=False)
        pipe.zremrangebyscore(key, min=0, max=int(time.time()) - self.group_expiry)
        pipe.zrange(key, 0, -1)
        _trimmed, members = await pipe.execute()
        channel_names = [m.decode("utf8") for m in members]
        to_connection, to_message, to_capacity = self._map_channel_keys_to_connection(channel_names, message)
        for index, keys in to_connection.items():
            over = await self.connection(index).eval(_SEND, len(keys), *keys, *self._send_args(keys, to_message, to_capacity))
            if over > 0:
                log.info("%s of %s channels over capacity in group %s", over, len(channel_names), group)

    async def receive_single(self, channel):
        """The next message of this process's channels; what else is waiting goes to the receive buffers.

        Only ``receive`` calls this for a process-local ("!") channel, holding the receive lock, and
        puts the returned message in its channel's buffer: so the others go in first, in order.
        """
        if "!" not in channel:
            return await super().receive_single(channel)
        assert self.require_valid_channel_name(channel, receive=True), "Channel name invalid"
        key = self.prefix + channel
        connection = self.connection(self.consistent_hash(channel))
        members = []
        while not members:
            members = await self._pop_waiting(connection, key)
        *earlier, last = [self._unpack(member, channel) for member in members]
        for message_channels, message in earlier:
            # A group message to several channels of this process is stored once, for all of them.
            for message_channel in message_channels if isinstance(message_channels, list) else [message_channels]:
                self.receive_buffer[message_channel].put_nowait(message)
        return last

    _bzmpop = True  # until a Redis before 7.0 says it has no BZMPOP

    async def _pop_waiting(self, connection, key) -> list:
        if self._bzmpop:
            try:
                reply = await connection.bzmpop(self.brpop_timeout, 1, [key], min=True, count=RECEIVE_BATCH)
            except redis.ResponseError as exc:
                if "unknown command" not in str(exc).lower():
                    raise
                self._bzmpop = False
            else:
                return [] if reply is None else [member for member, _score in reply[1]]
        reply = await connection.bzpopmin(key, timeout=self.brpop_timeout)
        return [] if reply is None else [reply[1]]

    def _unpack(self, member, channel):
        message = self.deserialize(member)
        return message.pop("__asgi_channel__", channel), message

    def _send_args(self, keys, to_message, to_capacity):
        now = time.time()
        return [*(to_message[k] for k in keys), *(to_capacity[k] for k in keys),
                int(now) - int(self.expiry), now, self.expiry]

    def _client(self, index) -> redis.Redis:
        # Pools are thread-safe and reconnect after a fork; one per host for the process's life.
        with self._blocking_lock:
            client = self._blocking.get(index)
            if client is None:
                client = self._blocking[index] = redis.Redis(connection_pool=_blocking_pool(self.hosts[index]))
            return client

    async def close_pools(self):
        await super().close_pools()
        with self._blocking_lock:
            clients, self._blocking = list(self._blocking.values()), {}
        for client in clients:
            client.connection_pool.disconnect()

    def group_send_blocking(self, sends) -> list:
        """Send each (group, message) as ``group_send`` does, from a synchronous thread, waiting.

        Every group's members are read in one round trip per host, then every inbox is written in
        one more. Returns the sends that failed, each with its exception; the others still went.
        """
        failed, valid = [], []
        for group, message in sends:
            try:
                assert self.require_valid_group_name(group), "Group name not valid"
                valid.append((group, message))
            except Exception as exc:  # noqa: BLE001 - reported to the caller with its send
                failed.append(((group, message), exc))
        by_host = defaultdict(list)
        for send in valid:
            by_host[self.consistent_hash(send[0])].append(send)
        trim_before = int(time.time()) - self.group_expiry
        writes = defaultdict(list)  # host -> [(send, keys, args)]
        for index, host_sends in by_host.items():
            pipe = self._client(index).pipeline(transaction=False)
            for group, _ in host_sends:
                key = self._group_key(group)
                pipe.zremrangebyscore(key, min=0, max=trim_before)
                pipe.zrange(key, 0, -1)
            try:
                replies = pipe.execute()
            except redis.RedisError as exc:
                failed.extend((send, exc) for send in host_sends)
                continue
            for send, members in zip(host_sends, replies[1::2]):
                channel_names = [m.decode("utf8") for m in members]
                to_connection, to_message, to_capacity = self._map_channel_keys_to_connection(channel_names, send[1])
                for member_index, keys in to_connection.items():
                    writes[member_index].append((send, keys, self._send_args(keys, to_message, to_capacity)))
        for index, host_writes in writes.items():
            pipe = self._client(index).pipeline(transaction=False)
            for _, keys, args in host_writes:
                # EVAL with the script's text, not redis-py's Script: in a pipeline a Script first asks
                # Redis whether it has it (SCRIPT EXISTS), a round trip of its own on every send.
                pipe.eval(_SEND, len(keys), *keys, *args)
            try:
                replies = pipe.execute(raise_on_error=False)
            except redis.RedisError as exc:
                replies = [exc] * len(host_writes)
            for (send, keys, _), over in zip(host_writes, replies):
                if isinstance(over, Exception):
                    failed.append((send, over))
                elif over > 0:
                    log.info("%s of %s channels over capacity in group %s", over, len(keys), send[0])
        return failed
