"""channels_redis's channel layer, sending a group message in two Redis round trips instead of four.

Every action publishes its events to the hall's group after commit, and the view waits for the send
(hallops.core.events.run_layer says why), so the send is on the path of every call. channels_redis
4.3 makes four round trips for it: trim the group of expired members, read the members, trim each
member's inbox of expired messages, add the message to each inbox (a Lua script that checks the
capacity). Here the first two go in one pipeline, and the script trims the inboxes itself before it
adds: two round trips. Keys, message format, capacity and expiry are channels_redis's own, and
everything else (receiving, groups, sharding over several hosts) is its code unchanged.

This leans on two of channels_redis's internal helpers (``_group_key``,
``_map_channel_keys_to_connection``); requirements.txt pins the version, and
tests/hallops/test_redis_layer.py checks the behaviour against a real Redis.
"""

import logging
import time

from channels_redis.core import RedisChannelLayer as _RedisChannelLayer

log = logging.getLogger(__name__)

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


class RedisChannelLayer(_RedisChannelLayer):
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
            now = time.time()
            args = [*(to_message[k] for k in keys), *(to_capacity[k] for k in keys),
                    int(now) - int(self.expiry), now, self.expiry]
            over = await self.connection(index).eval(_SEND, len(keys), *keys, *args)
            if over > 0:
                log.info("%s of %s channels over capacity in group %s", over, len(channel_names), group)
