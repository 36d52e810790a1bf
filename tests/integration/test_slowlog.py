"""SLOWLOG entries against a real server: format, argument trimming,
credential redaction, ordering and the length cap. Also runs against
redis-server (PEREGRINE_BIN=redis-server) to check the tests themselves.

    /usr/bin/python3 -m unittest discover -s tests/integration -v
"""

from __future__ import annotations

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402

BIN = harness.default_peregrine_bin()
SERVER: harness.Server = None  # type: ignore[assignment]


def setUpModule() -> None:
    global SERVER
    SERVER = harness.Server(BIN).start()


def tearDownModule() -> None:
    SERVER.stop()


class SlowlogTest(unittest.TestCase):
    def setUp(self) -> None:
        self.c = SERVER.client()
        self.c.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
        self.c.call("CONFIG", "SET", "slowlog-max-len", "128")
        self.c.call("SLOWLOG", "RESET")

    def tearDown(self) -> None:
        self.c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000")
        self.c.close()

    def entries(self, count: str = "-1"):
        return harness.decode(self.c.call("SLOWLOG", "GET", count))

    def test_entry_format_and_order(self) -> None:
        self.c.call("CLIENT", "SETNAME", "probe")
        self.c.call("SET", "k", "v")
        got = self.entries("2")
        self.assertEqual(len(got), 2)
        newest = got[0]
        self.assertEqual(len(newest), 6)
        ident, when, micros, argv, addr, name = newest
        self.assertEqual(argv, [b"SET", b"k", b"v"])
        self.assertGreater(when, 1_600_000_000)
        self.assertGreaterEqual(micros, 0)
        self.assertTrue(addr.startswith(b"127.0.0.1:"))
        self.assertEqual(name, b"probe")
        self.assertEqual(got[1][3], [b"CLIENT", b"SETNAME", b"probe"])
        self.assertEqual(got[1][0] + 1, ident)  # ids grow, newest first

    def test_long_commands_are_trimmed(self) -> None:
        self.c.call("RPUSH", "l", *[str(i) for i in range(40)])
        self.c.call("SET", "big", "x" * 200)
        big, push = self.entries("2")
        self.assertEqual(big[3], [b"SET", b"big", b"x" * 128 + b"... (72 more bytes)"])
        self.assertEqual(len(push[3]), 32)
        self.assertEqual(push[3][:3], [b"RPUSH", b"l", b"0"])
        self.assertEqual(push[3][31], b"... (11 more arguments)")

    def test_credentials_are_redacted(self) -> None:
        self.c.call("AUTH", "nosuchpass")
        self.c.call("HELLO", "2", "AUTH", "default", "nosuchpass")
        hello, auth = self.entries("2")
        self.assertEqual(auth[3], [b"AUTH", b"(redacted)"])
        self.assertEqual(hello[3], [b"HELLO", b"2", b"AUTH", b"(redacted)", b"(redacted)"])

    def test_length_cap_and_threshold(self) -> None:
        self.c.call("CONFIG", "SET", "slowlog-max-len", "3")
        for i in range(10):
            self.c.call("SET", "k%d" % i, "v")
        self.assertEqual(self.c.call("SLOWLOG", "LEN"), b":3\r\n")
        # SLOWLOG LEN itself is the newest entry.
        self.assertEqual(self.entries()[1][3], [b"SET", b"k9", b"v"])
        self.c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1")
        self.c.call("SLOWLOG", "RESET")
        self.c.call("SET", "k", "v")
        self.assertEqual(self.c.call("SLOWLOG", "LEN"), b":0\r\n")


if __name__ == "__main__":
    unittest.main()
