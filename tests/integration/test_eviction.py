"""maxmemory and eviction, against a real server (Peregrine or, to check the
tests themselves, redis-server via PEREGRINE_BIN=redis-server).

    /usr/bin/python3 -m unittest discover -s tests/integration -v
"""

from __future__ import annotations

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402

import redis  # noqa: E402

BIN = harness.default_peregrine_bin()
LIMIT = 4 * 1024 * 1024


class EvictionTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = harness.Server(BIN).start()
        self.r = redis.Redis(host=harness.HOST, port=self.server.port)

    def tearDown(self) -> None:
        self.r.close()
        self.server.stop()

    def fill(self, count: int, ttl_every: int = 0) -> None:
        pipe = self.r.pipeline(transaction=False)
        for i in range(count):
            if ttl_every and i % ttl_every == 0:
                pipe.set(f"key:{i}", "x" * 100, ex=100000)
            else:
                pipe.set(f"key:{i}", "x" * 100)
            if i % 1000 == 999:
                pipe.execute()
        pipe.execute()

    def used(self) -> int:
        return int(self.r.info("memory")["used_memory"])

    def test_allkeys_lru_stays_near_the_limit(self) -> None:
        base = self.used()
        self.r.config_set("maxmemory", base + LIMIT)
        self.r.config_set("maxmemory-policy", "allkeys-lru")
        self.fill(100000)
        self.assertGreater(int(self.r.info("stats")["evicted_keys"]), 0)
        self.assertLess(self.r.dbsize(), 100000)
        self.assertLess(self.used(), base + LIMIT * 1.2)

    def test_noeviction_refuses_writes_with_the_redis_error(self) -> None:
        base = self.used()
        self.fill(20000)
        self.r.config_set("maxmemory", max(1, base // 2))
        self.r.config_set("maxmemory-policy", "noeviction")
        with self.assertRaises(redis.exceptions.ResponseError) as err:
            self.r.set("another", "value")
        self.assertEqual(str(err.exception),
                         "OOM command not allowed when used memory > 'maxmemory'.")
        self.assertEqual(self.r.get("key:1"), b"x" * 100)  # reads still work
        self.assertEqual(int(self.r.info("stats")["evicted_keys"]), 0)

    def test_volatile_policies_evict_only_keys_with_a_ttl(self) -> None:
        base = self.used()
        self.fill(30000, ttl_every=2)
        self.r.config_set("maxmemory", base + LIMIT)
        for policy in ("volatile-ttl", "volatile-lru", "volatile-random"):
            self.r.config_set("maxmemory-policy", policy)
            self.fill(2000)  # overwrites keys 0..1999 without TTL
        evicted = int(self.r.info("stats")["evicted_keys"])
        self.assertGreater(evicted, 0)
        # Keys that never had a TTL are all still there.
        pipe = self.r.pipeline(transaction=False)
        for i in range(2001, 30000, 2):
            pipe.exists(f"key:{i}")
        self.assertTrue(all(pipe.execute()))


if __name__ == "__main__":
    unittest.main()
