"""list-compress-depth against a real server: a long list gives the same
replies to LRANGE LINDEX LINSERT LREM LSET LTRIM (and end pushes and pops)
whether its interior nodes are compressed or not, and a compressed list
reports less MEMORY USAGE. The reply checks also run against redis-server
(PEREGRINE_BIN=redis-server) to check the tests themselves.

    /usr/bin/python3 -m unittest discover -s tests/integration -v
"""

from __future__ import annotations

import os
import random
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402

BIN = harness.default_peregrine_bin()
SERVER: harness.Server = None  # type: ignore[assignment]
LENGTH = 10_000


def setUpModule() -> None:
    global SERVER
    SERVER = harness.Server(BIN).start()


def tearDownModule() -> None:
    SERVER.stop()


def element(i: int) -> bytes:
    """Compressible: a counter, then a run that repeats in every element."""
    return b"item:%06d:" % i + b"-" * 30


class ListCompressTest(unittest.TestCase):
    def setUp(self) -> None:
        self.c = SERVER.client(timeout=30)
        self.c.call("FLUSHALL")

    def tearDown(self) -> None:
        self.c.call("CONFIG", "SET", "list-compress-depth", "0")
        self.c.call("FLUSHALL")
        self.c.close()

    def set_depth(self, depth: int) -> None:
        self.assertEqual(self.c.call("CONFIG", "SET", "list-compress-depth", str(depth)), b"+OK\r\n")

    def build(self, key: str) -> None:
        for start in range(0, LENGTH, 500):
            self.c.call("RPUSH", key, *[element(i) for i in range(start, start + 500)])
        self.assertEqual(self.c.call("LLEN", key), b":%d\r\n" % LENGTH)

    def script(self, key: str) -> list:
        """Builds the list and runs a fixed random mix of commands on it;
        returns every raw reply."""
        self.build(key)
        rnd = random.Random(42)
        out = []

        def call(*args) -> None:
            out.append(self.c.call(*args))

        def index() -> str:
            n = LENGTH
            return str(rnd.randrange(-n, n))

        for step in range(600):
            op = rnd.randrange(10)
            if op == 0:
                a = rnd.randrange(-LENGTH, LENGTH)
                call("LRANGE", key, str(a), str(a + rnd.randrange(200)))
            elif op == 1:
                call("LINDEX", key, index())
            elif op == 2:
                pivot = element(rnd.randrange(LENGTH))
                where = rnd.choice(["BEFORE", "AFTER"])
                call("LINSERT", key, where, pivot, b"new:%d" % step + b"=" * rnd.randrange(60))
            elif op == 3:
                call("LREM", key, str(rnd.randrange(-2, 3)), element(rnd.randrange(LENGTH)))
            elif op == 4:
                call("LSET", key, index(), b"set:%d" % step + b"+" * rnd.randrange(60))
            elif op == 5:
                call("LTRIM", key, str(rnd.randrange(3)), str(-1 - rnd.randrange(3)))
            elif op == 6:
                call(rnd.choice(["LPUSH", "RPUSH"]), key, element(LENGTH + step))
            elif op == 7:
                call(rnd.choice(["LPOP", "RPOP"]), key)
            elif op == 8:
                call("LPOS", key, element(rnd.randrange(LENGTH)))
            else:
                call("LINDEX", key, str(rnd.randrange(-20, 20)))
        call("LLEN", key)
        call("LRANGE", key, "0", "-1")
        call("OBJECT", "ENCODING", key)
        return out

    def test_replies_match_the_uncompressed_list(self) -> None:
        self.set_depth(0)
        want = self.script("plain")
        for depth in (1, 2):
            with self.subTest(depth=depth):
                self.set_depth(depth)
                got = self.script("compressed%d" % depth)
                self.assertEqual(len(got), len(want))
                for i, (g, w) in enumerate(zip(got, want)):
                    self.assertEqual(g, w, "reply %d differs" % i)
        self.assertEqual(want[-1], b"$9\r\nquicklist\r\n")

    def test_depth_change_keeps_the_contents(self) -> None:
        self.set_depth(1)
        self.build("l")
        self.set_depth(0)
        self.c.call("RPUSH", "l", "tail")
        self.set_depth(3)
        self.c.call("LPUSH", "l", "head")
        got = harness.decode(self.c.call("LRANGE", "l", "0", "-1"))
        self.assertEqual(got, [b"head"] + [element(i) for i in range(LENGTH)] + [b"tail"])

    def test_memory_usage_shrinks(self) -> None:
        self.set_depth(0)
        self.build("plain")
        self.set_depth(1)
        self.build("compressed")
        plain = harness.decode(self.c.call("MEMORY", "USAGE", "plain"))
        compressed = harness.decode(self.c.call("MEMORY", "USAGE", "compressed"))
        self.assertLess(compressed * 3, plain, (compressed, plain))
        if harness.is_redis_binary(BIN):
            return  # Redis keeps the depth a list was created with
        # A write under depth 0 decompresses the list again.
        self.set_depth(0)
        self.c.call("RPUSH", "compressed", "x")
        self.c.call("RPOP", "compressed")
        after = harness.decode(self.c.call("MEMORY", "USAGE", "compressed"))
        self.assertGreater(after, compressed * 3, (after, compressed))


if __name__ == "__main__":
    unittest.main()
