"""HIMPORT (Redis 8.10): fieldsets belong to one connection, RESET and the
end of the connection drop them, HIMPORT SET replaces whatever the key held
(its TTL too) with an ordinary hash, and the documented examples.

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


class HimportTest(unittest.TestCase):
    def setUp(self) -> None:
        self.c = SERVER.client()
        self.c.call("FLUSHALL")

    def tearDown(self) -> None:
        self.c.call("FLUSHALL")
        self.c.close()

    def test_documented_examples(self) -> None:
        c = self.c
        self.assertEqual(c.call("HIMPORT", "PREPARE", "u", "name", "email", "age"), b"+OK\r\n")
        self.assertEqual(c.call("HIMPORT", "SET", "user:1", "u", "alice", "a@example.com", "30"),
                         b"+OK\r\n")
        self.assertEqual(c.call("HIMPORT", "SET", "user:2", "u", "bob", "b@example.com", "25"),
                         b"+OK\r\n")
        self.assertEqual(c.call("HGET", "user:1", "name"), b"$5\r\nalice\r\n")
        self.assertEqual(c.call("HGET", "user:1", "email"), b"$13\r\na@example.com\r\n")
        self.assertEqual(c.call("HGET", "user:2", "age"), b"$2\r\n25\r\n")
        self.assertEqual(c.call("HIMPORT", "DISCARD", "u"), b":1\r\n")
        self.assertEqual(c.call("HIMPORT", "DISCARD", "u"), b":0\r\n")
        c.call("HIMPORT", "PREPARE", "u", "name", "email", "age")
        c.call("HIMPORT", "PREPARE", "o", "id", "total")
        self.assertEqual(c.call("HIMPORT", "DISCARDALL"), b":2\r\n")

    def test_fieldsets_belong_to_one_connection(self) -> None:
        c = self.c
        other = SERVER.client()
        try:
            c.call("HIMPORT", "PREPARE", "u", "a", "b")
            self.assertEqual(other.call("HIMPORT", "SET", "k", "u", "1", "2"),
                             b"-ERR no such fieldset\r\n")
            self.assertEqual(c.call("HIMPORT", "SET", "k", "u", "1", "2"), b"+OK\r\n")
        finally:
            other.close()
        self.assertEqual(c.call("RESET"), b"+RESET\r\n")
        self.assertEqual(c.call("HIMPORT", "SET", "k", "u", "1", "2"), b"-ERR no such fieldset\r\n")

    def test_set_replaces_the_key(self) -> None:
        c = self.c
        c.call("SET", "k", "string", "EX", "100")
        c.call("HIMPORT", "PREPARE", "f", "x", "y")
        # Re-preparing a name replaces its fields.
        c.call("HIMPORT", "PREPARE", "f", "y", "z")
        self.assertEqual(c.call("HIMPORT", "SET", "k", "f", "1", "2"), b"+OK\r\n")
        self.assertEqual(c.call("TYPE", "k"), b"+hash\r\n")
        self.assertEqual(c.call("TTL", "k"), b":-1\r\n")
        self.assertEqual(c.call("HGETALL", "k"), b"*4\r\n$1\r\ny\r\n$1\r\n1\r\n$1\r\nz\r\n$1\r\n2\r\n")
        self.assertTrue(c.call("HIMPORT", "SET", "k", "f", "1").startswith(b"-ERR"))
        self.assertTrue(c.call("HIMPORT", "PREPARE", "g", "a", "a").startswith(b"-ERR"))
        self.assertEqual(c.call("HLEN", "k"), b":2\r\n")


if __name__ == "__main__":
    unittest.main()
