"""Set member expiry (Redis 8.12: SADDEX, SEXPIRE and friends, STTL and
friends, SPERSIST) on a real server with a real clock: members expire on
time, the server cron removes expired members of sets nobody reads (and the
keys they empty), and the encodings change as Redis 8.12 changes them.
Reply-by-reply agreement with an independent model is checked in
tests/sim/set_model_test.cc.

    /usr/bin/python3 -m unittest discover -s tests/integration -v
"""

from __future__ import annotations

import os
import sys
import time
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


def integer(reply: bytes) -> int:
    assert reply.startswith(b":"), reply
    return int(reply[1:-2])


class SetMemberExpiryTest(unittest.TestCase):
    def setUp(self) -> None:
        self.c = SERVER.client()
        self.c.call("FLUSHALL")

    def tearDown(self) -> None:
        self.c.call("FLUSHALL")
        self.c.close()

    def wait_for(self, what, want, seconds: float = 5.0):
        """Polls what() until it returns want (or the time is up)."""
        deadline = time.monotonic() + seconds
        got = what()
        while got != want and time.monotonic() < deadline:
            time.sleep(0.05)
            got = what()
        return got

    def test_members_expire_on_time(self) -> None:
        c = self.c
        self.assertEqual(c.call("SADDEX", "s", "PX", "300", "MEMBERS", "2", "a", "b"), b":1\r\n")
        self.assertEqual(c.call("SADD", "s", "c"), b":1\r\n")
        self.assertEqual(c.call("SISMEMBER", "s", "a"), b":1\r\n")
        time.sleep(0.4)
        self.assertEqual(c.call("SMEMBERS", "s"), b"*1\r\n$1\r\nc\r\n")
        self.assertEqual(c.call("STTL", "s", "MEMBERS", "2", "a", "c"), b"*2\r\n:-2\r\n:-1\r\n")

    def test_cron_removes_members_nobody_reads(self) -> None:
        c = self.c
        # EXISTS and DBSIZE do not look inside a set: only the cron can
        # delete these keys.
        c.call("SADDEX", "gone", "PX", "100", "MEMBERS", "2", "a", "b")
        c.call("SADDEX", "ints", "PX", "100", "MEMBERS", "3", "1", "2", "3")
        c.call("SADD", "kept", "x")
        c.call("SPEXPIRE", "kept", "100", "MEMBERS", "1", "x")
        c.call("SADD", "kept", "y")
        self.assertEqual(integer(c.call("DBSIZE")), 3)
        self.assertEqual(self.wait_for(lambda: integer(c.call("DBSIZE")), 1), 1)
        self.assertEqual(c.call("EXISTS", "kept"), b":1\r\n")
        self.assertEqual(c.call("SMEMBERS", "kept"), b"*1\r\n$1\r\ny\r\n")

    def test_cron_frees_a_large_table(self) -> None:
        c = self.c
        members = [b"member:%05d" % i for i in range(2000)]
        for start in range(0, len(members), 500):
            chunk = members[start:start + 500]
            c.call("SADDEX", "big", "PX", "200", "MEMBERS", str(len(chunk)), *chunk)
        c.call("SADD", "big", "stays")
        self.assertEqual(c.call("OBJECT", "ENCODING", "big"), b"$9\r\nhashtable\r\n")
        before = integer(c.call("MEMORY", "USAGE", "big"))
        # MEMORY USAGE does not remove members either.
        after = self.wait_for(lambda: integer(c.call("MEMORY", "USAGE", "big")) < before // 10,
                              True)
        self.assertTrue(after, "the cron left the expired members in place")
        self.assertEqual(c.call("SCARD", "big"), b":1\r\n")

    def test_encodings(self) -> None:
        c = self.c
        c.call("SADD", "ints", "1", "2", "3")
        self.assertEqual(c.call("OBJECT", "ENCODING", "ints"), b"$6\r\nintset\r\n")
        # A condition that sets nothing leaves the encoding alone.
        self.assertEqual(c.call("SEXPIRE", "ints", "100", "XX", "MEMBERS", "1", "2"),
                         b"*1\r\n:0\r\n")
        self.assertEqual(c.call("OBJECT", "ENCODING", "ints"), b"$6\r\nintset\r\n")
        c.call("SEXPIRE", "ints", "100", "MEMBERS", "1", "2")
        self.assertEqual(c.call("OBJECT", "ENCODING", "ints"), b"$10\r\nlistpackex\r\n")
        # It stays listpackex without TTLs, and becomes a table past the
        # listpack limits, keeping the TTL.
        self.assertEqual(c.call("SPERSIST", "ints", "MEMBERS", "1", "2"), b"*1\r\n:1\r\n")
        self.assertEqual(c.call("OBJECT", "ENCODING", "ints"), b"$10\r\nlistpackex\r\n")
        c.call("SEXPIRE", "ints", "100", "MEMBERS", "1", "3")
        c.call("SADD", "ints", *[str(i) for i in range(10, 200)])
        self.assertEqual(c.call("OBJECT", "ENCODING", "ints"), b"$9\r\nhashtable\r\n")
        self.assertEqual(c.call("STTL", "ints", "MEMBERS", "1", "3"), b"*1\r\n:100\r\n")
        # A large intset goes straight to a table.
        c.call("SADD", "many", *[str(i) for i in range(300)])
        c.call("SEXPIRE", "many", "100", "MEMBERS", "1", "7")
        self.assertEqual(c.call("OBJECT", "ENCODING", "many"), b"$9\r\nhashtable\r\n")

    def test_copy_and_rename_keep_member_ttls(self) -> None:
        c = self.c
        c.call("SADDEX", "s", "EX", "100", "MEMBERS", "2", "a", "b")
        c.call("SADD", "s", "c")
        self.assertEqual(c.call("COPY", "s", "copy"), b":1\r\n")
        self.assertEqual(c.call("RENAME", "s", "renamed"), b"+OK\r\n")
        for key in ("copy", "renamed"):
            self.assertEqual(c.call("STTL", key, "MEMBERS", "3", "a", "b", "c"),
                             b"*3\r\n:100\r\n:100\r\n:-1\r\n")
        # The copy is independent.
        c.call("SPERSIST", "copy", "MEMBERS", "1", "a")
        self.assertEqual(c.call("STTL", "renamed", "MEMBERS", "1", "a"), b"*1\r\n:100\r\n")

    def test_watch_sees_only_changes(self) -> None:
        c = self.c
        other = SERVER.client()
        try:
            c.call("SADD", "w", "a")

            def watched_exec(write) -> bytes:
                c.call("WATCH", "w")
                other.call(*write)
                c.call("MULTI")
                c.call("SCARD", "w")
                return c.call("EXEC")

            # Re-adding a member that has no TTL changes nothing.
            self.assertEqual(watched_exec(("SADDEX", "w", "MEMBERS", "1", "a")), b"*1\r\n:1\r\n")
            self.assertEqual(watched_exec(("SADDEX", "w", "PX", "100000", "MEMBERS", "1", "a")),
                             b"*-1\r\n")
            self.assertEqual(watched_exec(("SADDEX", "w", "KEEPTTL", "MEMBERS", "1", "a")),
                             b"*1\r\n:1\r\n")
            self.assertEqual(watched_exec(("SPERSIST", "w", "MEMBERS", "1", "a")), b"*-1\r\n")
            self.assertEqual(watched_exec(("SPERSIST", "w", "MEMBERS", "1", "a")),
                             b"*1\r\n:1\r\n")
            self.assertEqual(watched_exec(("SADDEX", "w", "MEMBERS", "1", "b")), b"*-1\r\n")
        finally:
            other.close()

    def test_transaction_and_wrong_type(self) -> None:
        c = self.c
        c.call("SET", "str", "v")
        self.assertTrue(c.call("SEXPIRE", "str", "1", "MEMBERS", "1", "a").startswith(b"-WRONGTYPE"))
        self.assertTrue(c.call("STTL", "str", "MEMBERS", "1", "a").startswith(b"-WRONGTYPE"))
        c.call("MULTI")
        c.call("SADDEX", "t", "EX", "100", "MEMBERS", "1", "a")
        c.call("SPTTL", "t", "MEMBERS", "1", "a")
        reply = c.call("EXEC")
        self.assertTrue(reply.startswith(b"*2\r\n:1\r\n*1\r\n:"), reply)


if __name__ == "__main__":
    unittest.main()
