"""MEMORY STATS and INFO memory: the same fields as redis-server, in the
same order, and figures that add up. The field lists are compared with a
redis-server started beside Peregrine when one is installed (the numbers
themselves differ between the two and are not compared).

    /usr/bin/python3 -m unittest discover -s tests/integration -v
"""

from __future__ import annotations

import os
import shutil
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402

BIN = harness.default_peregrine_bin()
REDIS = shutil.which("redis-server")


def load(c: harness.RespClient) -> None:
    for i in range(200):
        c.call("SET", f"k{i}", "v" * 40)
    for i in range(50):
        c.call("SET", f"t{i}", "x", "EX", "1000")
    c.call("SELECT", "3")
    c.call("HSET", "h", "f", "v")
    c.call("SELECT", "0")


def stats(c: harness.RespClient) -> dict:
    flat = harness.decode(c.call("MEMORY", "STATS"))
    out = {}
    for name, value in zip(flat[0::2], flat[1::2]):
        if isinstance(value, list):
            value = dict(zip(value[0::2], value[1::2]))
        out[name.decode()] = value
    return out


def info_fields(c: harness.RespClient) -> list:
    text = harness.decode(c.call("INFO", "memory")).decode()
    return [line.split(":", 1)[0] for line in text.splitlines() if ":" in line]


class MemoryStatsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.server = harness.Server(BIN).start()
        cls.c = cls.server.client()
        load(cls.c)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.c.close()
        cls.server.stop()

    @unittest.skipIf(harness.is_redis_binary(BIN),
                     "redis-server samples rss and the allocator figures in its cron")
    def test_figures_add_up(self) -> None:
        s = stats(self.c)
        dbs = {k: v for k, v in s.items() if k.startswith("db.")}
        self.assertEqual(sorted(dbs), ["db.0", "db.3"])
        self.assertEqual(s["keys.count"], 251)
        tables = sum(sum(v.values()) for v in dbs.values())
        self.assertGreater(dbs["db.0"][b"overhead.hashtable.expires"], 0)
        self.assertEqual(dbs["db.3"][b"overhead.hashtable.expires"], 0)
        parts = ["startup.allocated", "replication.backlog", "clients.slaves", "clients.normal",
                 "cluster.links", "aof.buffer", "lua.caches", "functions.caches"]
        self.assertEqual(s["overhead.total"], sum(s[p] for p in parts) + tables)
        self.assertEqual(s["dataset.bytes"], s["total.allocated"] - s["overhead.total"])
        self.assertEqual(s["keys.bytes-per-key"],
                         (s["total.allocated"] - s["startup.allocated"]) // 251)
        self.assertGreater(s["startup.allocated"], 0)
        self.assertLessEqual(s["total.allocated"], s["peak.allocated"])
        self.assertEqual(s["allocator-fragmentation.bytes"],
                         s["allocator.active"] - s["allocator.allocated"])
        self.assertEqual(s["allocator-rss.bytes"],
                         s["allocator.resident"] - s["allocator.active"])
        rss = s["rss-overhead.bytes"] + s["allocator.resident"]
        self.assertEqual(s["fragmentation.bytes"], rss - s["total.allocated"])
        self.assertAlmostEqual(float(s["fragmentation"]), rss / s["total.allocated"], places=6)
        self.assertAlmostEqual(float(s["peak.percentage"]),
                               100.0 * s["total.allocated"] / s["peak.allocated"], places=6)

    @unittest.skipIf(harness.is_redis_binary(BIN),
                     "redis-server counts only buffers in use, none for idle clients")
    def test_clients_are_counted(self) -> None:
        before = stats(self.c)["clients.normal"]
        extra = [self.server.client() for _ in range(3)]
        try:
            for e in extra:
                e.call("PING")
            self.assertGreater(stats(self.c)["clients.normal"], before)
        finally:
            for e in extra:
                e.close()

    def test_info_memory_matches_stats(self) -> None:
        text = harness.decode(self.c.call("INFO", "memory")).decode()
        info = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        s = stats(self.c)
        self.assertEqual(int(info["used_memory_startup"]), s["startup.allocated"])
        self.assertGreater(int(info["total_system_memory"]), 0)
        self.assertTrue(info["used_memory_peak_perc"].endswith("%"))
        if not harness.is_redis_binary(BIN):
            self.assertGreater(int(info["mem_clients_normal"]), 0)


@unittest.skipIf(REDIS is None, "redis-server is not installed")
class SameFieldsAsRedisTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.servers = [harness.Server(BIN).start(), harness.Server(REDIS).start()]
        cls.clients = [s.client() for s in cls.servers]
        for c in cls.clients:
            load(c)

    @classmethod
    def tearDownClass(cls) -> None:
        for c in cls.clients:
            c.close()
        for s in cls.servers:
            s.stop()

    def test_memory_stats_fields(self) -> None:
        ours, theirs = (stats(c) for c in self.clients)
        self.assertEqual(list(ours), list(theirs))
        self.assertEqual(list(ours["db.0"]), list(theirs["db.0"]))

    def test_info_memory_fields(self) -> None:
        ours, theirs = (info_fields(c) for c in self.clients)
        # Peregrine adds its own fields after Redis's.
        self.assertEqual(ours[:len(theirs)], theirs)


if __name__ == "__main__":
    unittest.main()
