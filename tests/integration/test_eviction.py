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

    def test_memory_freed_in_the_background_counts_as_freed(self) -> None:
        # A large set unlinked under maxmemory is freed by the lazyfree
        # thread; once it is gone, writes that fit in what it freed must not
        # evict anything (the engine's own count of its allocations does not
        # see frees made on another thread).
        import time
        self.r.config_set("maxmemory-policy", "allkeys-random")
        self.fill(20000)
        pipe = self.r.pipeline(transaction=False)
        for i in range(0, 300000, 1000):
            pipe.sadd("big", *[f"member:{j:07d}" for j in range(i, i + 1000)])
        pipe.execute()
        self.r.config_set("maxmemory", self.used() + 1024 * 1024)
        self.assertEqual(self.r.unlink("big"), 1)
        deadline = time.monotonic() + 10
        while int(self.r.info("memory")["lazyfree_pending_objects"]) > 0:
            self.assertLess(time.monotonic(), deadline, "the set was not freed")
            time.sleep(0.01)
        value = "y" * 4096
        for i in range(1500):  # 6 MB, less than half of what the set held
            self.r.set(f"new:{i}", value)
        self.assertEqual(int(self.r.info("stats")["evicted_keys"]), 0)
        self.assertEqual(self.r.dbsize(), 21500)

    def _flood_then(self, command) -> list:
        # 20 MB of keys, maxmemory 1 MB above what that uses, then the
        # command and 2 MB of writes in one pipeline: they run before the
        # lazyfree thread can have freed much.
        self.r.config_set("maxmemory-policy", "noeviction")
        pipe = self.r.pipeline(transaction=False)
        for i in range(20000):
            pipe.set(f"old:{i}", "o" * 1000)
        pipe.execute()
        self.r.config_set("maxmemory", self.used() + 1024 * 1024)
        pipe = self.r.pipeline(transaction=False)
        pipe.execute_command(*command)
        for i in range(100):
            pipe.set(f"new:{i}", "n" * 20000)
        return pipe.execute(raise_on_error=False)

    def test_writes_right_after_flushall_async_fit(self) -> None:
        # The flushed keys are freed by the lazyfree thread; the writes just
        # after FLUSHALL ASYNC must not be refused for memory it holds yet.
        replies = self._flood_then(("FLUSHALL", "ASYNC"))
        errors = [r for r in replies if isinstance(r, Exception)]
        self.assertEqual(errors, [])
        self.assertEqual(self.r.dbsize(), 100)

    @unittest.skipIf(harness.is_redis_binary(BIN),
                     "redis-server refuses the first writes until its lazyfree thread has run")
    def test_writes_right_after_a_large_unlink_fit(self) -> None:
        pipe = self.r.pipeline(transaction=False)
        for i in range(0, 300000, 1000):
            pipe.sadd("big", *[f"member:{j:07d}" for j in range(i, i + 1000)])
        pipe.execute()
        replies = self._flood_then(("UNLINK", "big"))
        errors = [r for r in replies if isinstance(r, Exception)]
        self.assertEqual(errors, [])
        self.assertEqual(self.r.dbsize(), 20100)


if __name__ == "__main__":
    unittest.main()
