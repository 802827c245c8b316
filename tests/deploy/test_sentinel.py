"""Redis Sentinel for a district: the channel layer and the readiness probe find the master through it.

Runs a private redis-server and sentinel on free ports (never the shared server)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture
def sentinel(tmp_path):
    master, sent = _free_port(), _free_port()
    procs = [subprocess.Popen(["redis-server", "--port", str(master), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)]
    _wait(master)
    conf = tmp_path / "sentinel.conf"
    conf.write_text(f"port {sent}\nbind 127.0.0.1\nsentinel monitor hallops 127.0.0.1 {master} 1\n")
    procs.append(subprocess.Popen(["redis-server", str(conf), "--sentinel"], stdout=subprocess.DEVNULL))
    _wait(sent)
    try:
        yield sent
    finally:
        for p in procs:
            p.terminate()
            p.wait(5)


def test_settings_turn_sentinels_into_a_channel_layer_host():
    env = {**os.environ, "REDIS_URL": "redis://:pw@ignored:6379/3", "REDIS_SENTINELS": "10.0.0.1:26379,10.0.0.2:26379",
           "REDIS_SENTINEL_MASTER": "district"}
    out = subprocess.run([sys.executable, "-c", "import json, django; django.setup();"
                          "from django.conf import settings;"
                          "print(json.dumps(settings.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0]))"],
                         cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "hallops.settings"},
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == {"sentinels": [["10.0.0.1", 26379], ["10.0.0.2", 26379]],
                                      "master_name": "district", "db": 3, "password": "pw"}


async def test_the_channel_layer_reaches_the_master_through_sentinel(sentinel):
    from hallops.redis_layer import RedisChannelLayer

    layer = RedisChannelLayer(hosts=[{"sentinels": [("127.0.0.1", sentinel)], "master_name": "hallops", "db": 0}])
    channel = await layer.new_channel()
    await layer.group_add("hall.demo", channel)
    await layer.group_send("hall.demo", {"type": "hall.event", "seq": 1})
    assert await layer.receive(channel) == {"type": "hall.event", "seq": 1}
    await layer.flush()
    await layer.close_pools()


@pytest.mark.django_db
def test_readyz_asks_sentinel_for_the_master(sentinel, client, settings):
    settings.REDIS_URL = "redis://ignored/0"
    settings.REDIS_SENTINELS = [("127.0.0.1", sentinel)]
    settings.REDIS_SENTINEL_MASTER = "hallops"
    assert client.get("/readyz").json()["checks"]["redis"] == "ok"
    settings.REDIS_SENTINEL_MASTER = "no-such-master"
    assert client.get("/readyz").status_code == 503
