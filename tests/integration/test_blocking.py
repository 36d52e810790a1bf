"""Blocking commands against a real server: FIFO service, timeouts, CLIENT
UNBLOCK, MULTI, commands pipelined behind a blocked one, disconnects.
Also runs against redis-server (PEREGRINE_BIN=redis-server) to check the
tests themselves.

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


def has_command(name: str) -> bool:
    with SERVER.client() as c:
        c.send_command("COMMAND", "INFO", name)
        return c.read_reply() not in (b"*1\r\n*-1\r\n", b"*1\r\n$-1\r\n", b"*1\r\n_\r\n")


def wait_blocked(count: int, timeout: float = 5.0) -> None:
    """Waits until INFO reports count blocked clients, so that the order in
    which clients blocked does not depend on scheduling luck."""
    deadline = time.monotonic() + timeout
    with SERVER.client() as c:
        while time.monotonic() < deadline:
            c.send_command("INFO", "clients")
            if b"blocked_clients:%d\r\n" % count in c.read_reply():
                return
            time.sleep(0.01)
    raise AssertionError(f"never saw {count} blocked clients")


class BlockingTest(unittest.TestCase):
    def setUp(self) -> None:
        if not has_command("blpop"):
            self.skipTest("lists are not implemented")
        with SERVER.client() as c:
            c.send_command("FLUSHALL")
            c.read_reply()

    def test_push_serves_the_oldest_blocked_client_first(self) -> None:
        first, second, pusher = SERVER.client(), SERVER.client(), SERVER.client()
        try:
            first.send_command("BLPOP", "q", "0")
            wait_blocked(1)
            second.send_command("BLPOP", "q", "0")
            wait_blocked(2)
            pusher.send_command("RPUSH", "q", "a", "b")
            self.assertEqual(pusher.read_reply(), b":2\r\n")
            self.assertEqual(first.read_reply(timeout=5), b"*2\r\n$1\r\nq\r\n$1\r\na\r\n")
            self.assertEqual(second.read_reply(timeout=5), b"*2\r\n$1\r\nq\r\n$1\r\nb\r\n")
            pusher.send_command("EXISTS", "q")
            self.assertEqual(pusher.read_reply(), b":0\r\n")
        finally:
            for c in (first, second, pusher):
                c.close()

    def blmovem_clients(self, n: int) -> list:
        if not has_command("blmovem"):
            self.skipTest("BLMOVEM (Redis 8.10) is not implemented")
        return [SERVER.client() for _ in range(n)]

    def test_blmovem_exactly_waits_for_enough_elements(self) -> None:
        waiter, pusher = self.blmovem_clients(2)
        try:
            waiter.send_command("BLMOVEM", "src", "dst", "LEFT", "RIGHT", "0",
                                "EXACTLY", "3", "BULK")
            wait_blocked(1)
            pusher.send_command("RPUSH", "src", "a", "b")
            self.assertEqual(pusher.read_reply(), b":2\r\n")
            wait_blocked(1)  # two are not enough: still waiting
            pusher.send_command("LINSERT", "src", "AFTER", "a", "x")
            self.assertEqual(pusher.read_reply(), b":3\r\n")
            self.assertEqual(waiter.read_reply(timeout=5),
                             b"*3\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n")
            pusher.send_command("LRANGE", "dst", "0", "-1")
            self.assertEqual(pusher.read_reply(),
                             b"*3\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n")
            pusher.send_command("EXISTS", "src")
            self.assertEqual(pusher.read_reply(), b":0\r\n")
        finally:
            for c in (waiter, pusher):
                c.close()

    def test_a_waiter_that_cannot_be_served_keeps_its_place(self) -> None:
        big, small, popper, pusher = self.blmovem_clients(4)
        try:
            big.send_command("BLMOVEM", "src", "d1", "LEFT", "LEFT", "0", "EXACTLY", "3", "OBO")
            wait_blocked(1)
            small.send_command("BLMOVEM", "src", "d2", "LEFT", "LEFT", "0", "EXACTLY", "2", "OBO")
            wait_blocked(2)
            popper.send_command("BLPOP", "src", "0")
            wait_blocked(3)
            # Two elements: the first waiter needs three, the second takes
            # both (OBO to a LEFT end: reversed), the BLPOP gets nothing.
            pusher.send_command("RPUSH", "src", "a", "b")
            self.assertEqual(pusher.read_reply(), b":2\r\n")
            self.assertEqual(small.read_reply(timeout=5), b"*2\r\n$1\r\nb\r\n$1\r\na\r\n")
            wait_blocked(2)
            # Four: the first waiter, still first in line, takes three; the
            # BLPOP the last one.
            pusher.send_command("RPUSH", "src", "c", "d", "e", "f")
            self.assertEqual(pusher.read_reply(), b":4\r\n")
            self.assertEqual(big.read_reply(timeout=5),
                             b"*3\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n")
            self.assertEqual(popper.read_reply(timeout=5),
                             b"*2\r\n$3\r\nsrc\r\n$1\r\nf\r\n")
        finally:
            for c in (big, small, popper, pusher):
                c.close()

    def test_blmovem_count_timeout_and_multi(self) -> None:
        c, = self.blmovem_clients(1)
        try:
            c.send_command("BLMOVEM", "src", "dst", "RIGHT", "LEFT", "0.05", "COUNT", "2", "BULK")
            self.assertEqual(c.read_reply(timeout=5), b"*-1\r\n")
            for cmd in (("MULTI",), ("BLMOVEM", "src", "dst", "LEFT", "LEFT", "0"),
                        ("BLMOVEM", "src", "dst", "LEFT", "LEFT", "0", "EXACTLY", "1", "OBO")):
                c.send_command(*cmd)
                c.read_reply()
            c.send_command("EXEC")
            self.assertEqual(c.read_reply(timeout=5), b"*2\r\n$-1\r\n$-1\r\n")
            c.send_command("RPUSH", "src", "1", "2", "3")
            c.read_reply()
            c.send_command("BLMOVEM", "src", "dst", "RIGHT", "LEFT", "0", "COUNT", "5", "BULK")
            self.assertEqual(c.read_reply(timeout=5),
                             b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n")
        finally:
            c.close()

    def test_bzmove_waits_on_its_source_only(self) -> None:
        if not has_command("bzmove"):
            self.skipTest("BZMOVE (Redis 8.12) is not implemented")
        first, second, writer = SERVER.client(), SERVER.client(), SERVER.client()
        try:
            first.send_command("BZMOVE", "zsrc", "zdst", "MIN", "0", "COUNT", "2")
            wait_blocked(1)
            second.send_command("BZMOVE", "zsrc", "zdst2", "MAX", "0")
            wait_blocked(2)
            # Writing the destination serves nobody.
            writer.send_command("ZADD", "zdst", "5", "old")
            self.assertEqual(writer.read_reply(), b":1\r\n")
            wait_blocked(2)
            # Three members: the oldest waiter takes the lowest two, keeping
            # their scores; the next one the last.
            writer.send_command("ZADD", "zsrc", "3", "c", "1", "a", "2", "b")
            self.assertEqual(writer.read_reply(), b":3\r\n")
            self.assertEqual(first.read_reply(timeout=5), b"*2\r\n$1\r\na\r\n$1\r\nb\r\n")
            self.assertEqual(second.read_reply(timeout=5), b"*1\r\n$1\r\nc\r\n")
            writer.send_command("ZRANGE", "zdst", "0", "-1", "WITHSCORES")
            self.assertEqual(writer.read_reply(),
                             b"*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
                             b"$3\r\nold\r\n$1\r\n5\r\n")
            writer.send_command("EXISTS", "zsrc")
            self.assertEqual(writer.read_reply(), b":0\r\n")
            # Timeout, same key (no wait), MULTI (no wait), wrong type.
            first.send_command("BZMOVE", "zsrc", "zdst", "MAX", "0.05")
            self.assertEqual(first.read_reply(timeout=5), b"*-1\r\n")
            first.send_command("BZMOVE", "zsrc", "zsrc", "MAX", "0")
            self.assertEqual(first.read_reply(timeout=5), b"*-1\r\n")
            for cmd in (("MULTI",), ("BZMOVE", "zsrc", "zdst", "MIN", "0")):
                first.send_command(*cmd)
                first.read_reply()
            first.send_command("EXEC")
            self.assertEqual(first.read_reply(timeout=5), b"*1\r\n*-1\r\n")
            writer.send_command("SET", "str", "x")
            writer.read_reply()
            first.send_command("BZMOVE", "zdst", "str", "MIN", "0")
            self.assertTrue(first.read_reply(timeout=5).startswith(b"-WRONGTYPE"))
            first.send_command("BZMOVE", "zdst", "x", "BYSCORE", "0")
            self.assertEqual(first.read_reply(timeout=5), b"-ERR syntax error\r\n")
        finally:
            for c in (first, second, writer):
                c.close()

    def test_key_overwritten_with_another_type_keeps_the_client_blocked(self) -> None:
        blocked, writer = SERVER.client(), SERVER.client()
        try:
            blocked.send_command("BLPOP", "tq", "0")
            wait_blocked(1)
            # The list appears and is replaced by a string within one EXEC:
            # when the ready key is served it is no list, so nobody pops.
            for cmd in (["MULTI"], ["RPUSH", "tq", "a"], ["DEL", "tq"], ["SET", "tq", "s"]):
                writer.send_command(*cmd)
                writer.read_reply()
            writer.send_command("EXEC")
            self.assertEqual(writer.read_reply(), b"*3\r\n:1\r\n:1\r\n+OK\r\n")
            with self.assertRaises(harness.ReplyTimeout):
                blocked.read_reply(timeout=0.3)
            wait_blocked(1)
            for cmd in (["MULTI"], ["DEL", "tq"], ["ZADD", "tq", "1", "m"], ["EXEC"]):
                writer.send_command(*cmd)
                writer.read_reply()
            with self.assertRaises(harness.ReplyTimeout):
                blocked.read_reply(timeout=0.3)
            writer.send_command("DEL", "tq")
            writer.read_reply()
            writer.send_command("RPUSH", "tq", "x")
            self.assertEqual(writer.read_reply(), b":1\r\n")
            self.assertEqual(blocked.read_reply(timeout=5), b"*2\r\n$2\r\ntq\r\n$1\r\nx\r\n")
        finally:
            blocked.close()
            writer.close()

    def test_pushes_to_a_key_that_existed_wake_nobody(self) -> None:
        # A client blocked while its key held another type stays blocked
        # when a STORE makes it a list or sorted set, and when later writes
        # add to that key: Redis wakes waiters only when a write creates the
        # key (random_diff.py seed 2032 against valkey-server).
        lister, zsetter, writer = SERVER.client(), SERVER.client(), SERVER.client()
        try:
            lister.send_command("BLPOP", "kq", "0")
            wait_blocked(1)
            zsetter.send_command("BZPOPMIN", "kz", "0")
            wait_blocked(2)
            for cmd in (("SET", "kq", "x"), ("SET", "kz", "x"), ("RPUSH", "src", "b", "a"),
                        ("ZADD", "zsrc", "1", "m"), ("SORT", "src", "ALPHA", "STORE", "kq"),
                        ("ZUNIONSTORE", "kz", "1", "zsrc"), ("RPUSH", "kq", "y"),
                        ("LPUSH", "kq", "z"), ("RPOPLPUSH", "kq", "kq"),
                        ("LINSERT", "kq", "BEFORE", "y", "w"), ("ZADD", "kz", "2", "n")):
                writer.send_command(*cmd)
                self.assertFalse(writer.read_reply().startswith(b"-"), cmd)
            wait_blocked(2)
            writer.send_command("CLIENT", "LIST")
            listing = writer.read_reply()
            self.assertIn(b"cmd=blpop", listing)
            self.assertIn(b"cmd=bzpopmin", listing)
            # Deleted and created again: both are served.
            for cmd in (("DEL", "kq", "kz"), ("RPUSH", "kq", "v"), ("ZADD", "kz", "3", "o")):
                writer.send_command(*cmd)
                writer.read_reply()
            self.assertEqual(lister.read_reply(timeout=5), b"*2\r\n$2\r\nkq\r\n$1\r\nv\r\n")
            self.assertEqual(zsetter.read_reply(timeout=5),
                             b"*3\r\n$2\r\nkz\r\n$1\r\no\r\n$1\r\n3\r\n")
        finally:
            for c in (lister, zsetter, writer):
                c.close()

    def test_a_client_whose_key_changed_type_times_out_with_null(self) -> None:
        # The timeout (or CLIENT UNBLOCK ... TIMEOUT) answers the timeout
        # reply, not WRONGTYPE for what the key holds by then (found by
        # tests/diff/random_diff.py).
        cases = [(["BRPOP", "tk", "{t}"], ["SET", "tk", "s"]),
                 (["BLMOVE", "tk", "dst", "LEFT", "RIGHT", "{t}"], ["SET", "tk", "s"]),
                 (["BRPOPLPUSH", "tk", "dst", "{t}"], ["ZADD", "tk", "1", "m"]),
                 (["BLMPOP", "{t}", "1", "tk", "LEFT"], ["SADD", "tk", "m"]),
                 (["BZPOPMIN", "tk", "{t}"], ["RPUSH", "tk", "x"])]
        for unblock in (False, True):
            for cmd, overwrite in cases:
                with self.subTest(cmd=cmd[0], unblock=unblock), \
                        SERVER.client() as blocked, SERVER.client() as writer:
                    writer.call("DEL", "tk")
                    bid = harness.decode(blocked.call("CLIENT", "ID"))
                    blocked.send_command(*[a.replace("{t}", "5" if unblock else "0.3")
                                           for a in cmd])
                    wait_blocked(1)
                    writer.call(*overwrite)
                    if unblock:
                        self.assertEqual(writer.call("CLIENT", "UNBLOCK", str(bid), "TIMEOUT"),
                                         b":1\r\n")
                    self.assertEqual(blocked.read_reply(timeout=5), b"*-1\r\n")

    def test_keys_created_by_rename_copy_move_and_swapdb_wake_clients(self) -> None:
        # Every command that creates the key a client waits on serves it
        # (found by tests/diff/random_diff.py: these four did not).
        def served_after(prepare, create, key="l"):
            with SERVER.client() as blocked, SERVER.client() as writer:
                writer.call("FLUSHALL")
                for cmd in prepare:
                    writer.call(*cmd)
                blocked.send_command("BLPOP", key, "5")  # in database 0
                wait_blocked(1)
                writer.call(*create)
                return blocked.read_reply(timeout=5)
        self.assertEqual(served_after([["RPUSH", "src", "a"]], ["RENAME", "src", "l"]),
                         b"*2\r\n$1\r\nl\r\n$1\r\na\r\n")
        self.assertEqual(served_after([["RPUSH", "src", "a"]], ["COPY", "src", "l"]),
                         b"*2\r\n$1\r\nl\r\n$1\r\na\r\n")
        self.assertEqual(served_after([["SELECT", "1"], ["RPUSH", "m", "a"]], ["MOVE", "m", "0"],
                                      key="m"),
                         b"*2\r\n$1\r\nm\r\n$1\r\na\r\n")
        self.assertEqual(served_after([["SELECT", "1"], ["RPUSH", "l", "z"]], ["SWAPDB", "0", "1"]),
                         b"*2\r\n$1\r\nl\r\n$1\r\nz\r\n")

    def test_a_store_over_a_key_of_another_type_does_not_wake(self) -> None:
        # Redis wakes the clients of a STORE's destination only when the
        # STORE creates the key; replacing a string leaves them blocked.
        for block, store in ((["BLPOP", "d", "5"], ["SORT", "src", "ALPHA", "STORE", "d"]),
                             (["BZPOPMIN", "d", "5"], ["ZUNIONSTORE", "d", "1", "zsrc"]),
                             (["BZPOPMIN", "d", "5"], ["ZRANGESTORE", "d", "zsrc", "0", "-1"])):
            with self.subTest(store=store[0]), \
                    SERVER.client() as blocked, SERVER.client() as writer:
                writer.call("FLUSHALL")
                writer.call("RPUSH", "src", "b", "a")
                writer.call("ZADD", "zsrc", "1", "a")
                bid = harness.decode(blocked.call("CLIENT", "ID"))
                blocked.send_command(*block)
                wait_blocked(1)
                writer.call("SET", "d", "string")
                writer.call(*store)
                with self.assertRaises(harness.ReplyTimeout):
                    blocked.read_reply(timeout=0.3)
                self.assertEqual(writer.call("CLIENT", "UNBLOCK", str(bid)), b":1\r\n")
                self.assertEqual(blocked.read_reply(timeout=5), b"*-1\r\n")
                # Created anew, the same key serves the client.
                writer.call("DEL", "d")
                blocked.send_command(*block)
                wait_blocked(1)
                writer.call(*store)
                self.assertEqual(blocked.read_reply(timeout=5)[:4], b"*" + b"%d" % (
                    2 if block[0] == "BLPOP" else 3) + b"\r\n")

    def test_timeout_replies_null(self) -> None:
        with SERVER.client() as c:
            start = time.monotonic()
            c.send_command("BLPOP", "empty", "0.2")
            self.assertEqual(c.read_reply(timeout=5), b"*-1\r\n")
            self.assertGreaterEqual(time.monotonic() - start, 0.15)

    def test_commands_pipelined_after_a_blocked_one_wait(self) -> None:
        blocked, pusher = SERVER.client(), SERVER.client()
        try:
            blocked.send(harness.encode_command(["BLPOP", "q2", "0"]) +
                             harness.encode_command(["PING"]))
            time.sleep(0.1)
            with self.assertRaises(harness.ReplyTimeout):
                blocked.read_reply(timeout=0.2)
            pusher.send_command("LPUSH", "q2", "x")
            pusher.read_reply()
            self.assertEqual(blocked.read_reply(timeout=5), b"*2\r\n$2\r\nq2\r\n$1\r\nx\r\n")
            self.assertEqual(blocked.read_reply(timeout=5), b"+PONG\r\n")
        finally:
            blocked.close()
            pusher.close()

    def test_client_unblock_timeout_and_error(self) -> None:
        blocked, admin = SERVER.client(), SERVER.client()
        try:
            blocked.send_command("CLIENT", "ID")
            client_id = int(blocked.read_reply()[1:-2])
            blocked.send_command("BLPOP", "q3", "0")
            wait_blocked(1)
            admin.send_command("CLIENT", "UNBLOCK", str(client_id))
            self.assertEqual(admin.read_reply(), b":1\r\n")
            self.assertEqual(blocked.read_reply(timeout=5), b"*-1\r\n")
            blocked.send_command("BLPOP", "q3", "0")
            wait_blocked(1)
            admin.send_command("CLIENT", "UNBLOCK", str(client_id), "ERROR")
            self.assertEqual(admin.read_reply(), b":1\r\n")
            self.assertEqual(blocked.read_reply(timeout=5),
                             b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
            admin.send_command("CLIENT", "UNBLOCK", str(client_id))
            self.assertEqual(admin.read_reply(), b":0\r\n")
        finally:
            blocked.close()
            admin.close()

    def test_inside_multi_blocking_commands_do_not_block(self) -> None:
        with SERVER.client() as c:
            for cmd in (["MULTI"], ["BLPOP", "nothing", "0"], ["EXEC"]):
                c.send_command(*cmd)
            self.assertEqual(c.read_reply(), b"+OK\r\n")
            self.assertEqual(c.read_reply(), b"+QUEUED\r\n")
            self.assertEqual(c.read_reply(timeout=5), b"*1\r\n*-1\r\n")

    def test_push_inside_exec_serves_after_the_transaction(self) -> None:
        blocked, tx = SERVER.client(), SERVER.client()
        try:
            blocked.send_command("BLPOP", "q4", "0")
            wait_blocked(1)
            for cmd in (["MULTI"], ["RPUSH", "q4", "a"], ["RPUSH", "q4", "b"], ["LLEN", "q4"],
                        ["EXEC"]):
                tx.send_command(*cmd)
            replies = [tx.read_reply() for _ in range(5)]
            self.assertEqual(replies[-1], b"*3\r\n:1\r\n:2\r\n:2\r\n")
            self.assertEqual(blocked.read_reply(timeout=5), b"*2\r\n$2\r\nq4\r\n$1\r\na\r\n")
            tx.send_command("LRANGE", "q4", "0", "-1")
            self.assertEqual(tx.read_reply(), b"*1\r\n$1\r\nb\r\n")
        finally:
            blocked.close()
            tx.close()

    def test_a_disconnected_blocked_client_is_forgotten(self) -> None:
        gone, pusher = SERVER.client(), SERVER.client()
        try:
            gone.send_command("BLPOP", "q5", "0")
            wait_blocked(1)
            gone.close()
            wait_blocked(0)
            pusher.send_command("RPUSH", "q5", "a")
            self.assertEqual(pusher.read_reply(), b":1\r\n")
            pusher.send_command("LLEN", "q5")
            self.assertEqual(pusher.read_reply(), b":1\r\n")
            pusher.send_command("INFO", "clients")
            self.assertIn(b"blocked_clients:0", pusher.read_reply())
        finally:
            pusher.close()


if __name__ == "__main__":
    unittest.main()
