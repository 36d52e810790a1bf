"""Integration tests: a running Peregrine server driven by real clients.

Runs against PEREGRINE_BIN (default: build/peregrine-server at the
repository root).  Every server is started on a free port of 127.0.0.1 in a
temporary directory and stopped at the end.

    /usr/bin/python3 -m unittest discover -s tests/integration -v

Setting PEREGRINE_BIN=redis-server runs the same tests against Redis, which
checks the tests themselves; the few places where Peregrine is meant to
differ from Redis 7.0 are skipped there.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402

try:
    import redis
except ImportError:  # pragma: no cover - depends on the interpreter
    redis = None

BIN = harness.default_peregrine_bin()
SERVER: harness.Server = None  # type: ignore[assignment]


def is_reference_redis() -> bool:
    return harness.is_redis_binary(shutil.which(BIN) or BIN)


def setUpModule() -> None:
    global SERVER
    if not (os.path.exists(BIN) or shutil.which(BIN)):
        raise RuntimeError(
            f"server binary not found: {BIN} (build it, or set PEREGRINE_BIN)")
    SERVER = harness.Server(BIN).start()


def tearDownModule() -> None:
    if SERVER is not None:
        # Keep the server's directory until its log (where a sanitizer
        # reports at exit) has been read.
        keep = os.environ.get("PEREGRINE_KEEP_TMP")
        os.environ["PEREGRINE_KEEP_TMP"] = "1"
        code = SERVER.stop()
        log = SERVER.log_tail()
        if keep is None:
            del os.environ["PEREGRINE_KEEP_TMP"]
        else:
            os.environ["PEREGRINE_KEEP_TMP"] = keep
        SERVER._cleanup_dir()
        # Under ASan/LSan a leak or memory error at exit shows as a non-zero
        # exit status; CI's sanitizer run asks for a clean exit.
        if os.environ.get("PEREGRINE_REQUIRE_CLEAN_EXIT") == "1" and code != 0:
            raise RuntimeError(f"server exited with status {code}:\n{log}")


class ServerTest(unittest.TestCase):
    """Tests sharing the module's server; each starts on an empty keyspace."""

    def setUp(self) -> None:
        self.assertTrue(SERVER.alive(), "server is not running:\n" +
                        SERVER.log_tail())
        with SERVER.client() as c:
            self.assertEqual(c.call("FLUSHALL"), b"+OK\r\n")

    def raw(self, timeout: float = 5.0) -> harness.RespClient:
        c = SERVER.client(timeout=timeout)
        self.addCleanup(c.close)
        return c

    def redis_client(self) -> "redis.Redis":
        if redis is None:
            self.skipTest("redis-py is not available in this interpreter")
        r = redis.Redis(host=harness.HOST, port=SERVER.port,
                        socket_timeout=10, socket_connect_timeout=5)
        self.addCleanup(r.close)
        return r

    def assertServerWorks(self) -> None:
        with SERVER.client() as c:
            self.assertEqual(c.call("PING"), b"+PONG\r\n")
            self.assertEqual(c.call("SET", "alive-check", "yes"), b"+OK\r\n")
            self.assertEqual(c.call("GET", "alive-check"), b"$3\r\nyes\r\n")


class RedisCliTest(ServerTest):
    def cli(self, *args: str) -> str:
        exe = shutil.which("redis-cli")
        if exe is None:
            self.skipTest("redis-cli is not installed")
        out = subprocess.run(
            [exe, "-h", harness.HOST, "-p", str(SERVER.port), *args],
            capture_output=True, timeout=10, check=True)
        return out.stdout.decode().strip()

    def test_ping_set_get(self) -> None:
        self.assertEqual(self.cli("ping"), "PONG")
        self.assertEqual(self.cli("set", "cli-key", "hello world"), "OK")
        self.assertEqual(self.cli("get", "cli-key"), "hello world")
        self.assertEqual(self.cli("incr", "cli-counter"), "1")
        self.assertEqual(self.cli("get", "no-such-key"), "")
        self.assertEqual(self.cli("exists", "cli-key", "no-such-key"), "1")


class RedisPyTest(ServerTest):
    def test_basic_ops(self) -> None:
        r = self.redis_client()
        self.assertTrue(r.ping())
        self.assertTrue(r.set("k", "v"))
        self.assertEqual(r.get("k"), b"v")
        self.assertIsNone(r.get("missing"))
        self.assertIsNone(r.set("k", "w", nx=True))
        self.assertTrue(r.set("k", "w", xx=True))
        self.assertEqual(r.getset("k", "x"), b"w")
        self.assertEqual(r.incr("n"), 1)
        self.assertEqual(r.incrby("n", 41), 42)
        self.assertEqual(r.decr("n"), 41)
        self.assertAlmostEqual(r.incrbyfloat("f", 1.5), 1.5)
        self.assertEqual(r.append("k", "yz"), 3)
        self.assertEqual(r.strlen("k"), 3)
        self.assertEqual(r.getrange("k", 1, -1), b"yz")
        self.assertEqual(r.setrange("k", 1, "AB"), 3)
        self.assertEqual(r.get("k"), b"xAB")
        self.assertTrue(r.mset({"a": "1", "b": "2"}))
        self.assertEqual(r.mget("a", "b", "missing"), [b"1", b"2", None])
        self.assertEqual(r.exists("a", "b", "missing"), 2)
        self.assertEqual(r.type("a"), b"string")
        self.assertTrue(r.expire("a", 1000))
        self.assertIn(r.ttl("a"), (999, 1000))
        self.assertTrue(r.persist("a"))
        self.assertEqual(r.ttl("a"), -1)
        self.assertEqual(r.ttl("missing"), -2)
        self.assertTrue(r.rename("a", "a2"))
        self.assertEqual(sorted(r.keys("a*")), [b"a2"])
        self.assertEqual(r.delete("a2", "b", "missing"), 2)
        self.assertEqual(r.dbsize(), 3)       # k, n, f
        binary = b"\x00\r\n\xff" * 1000
        self.assertTrue(r.set(b"bin\x00key", binary))
        self.assertEqual(r.get(b"bin\x00key"), binary)
        big = b"x" * (2 << 20)
        self.assertTrue(r.set("big", big))
        self.assertEqual(r.get("big"), big)
        with self.assertRaises(redis.ResponseError):
            r.incr("k")

    def test_pipeline_transaction(self) -> None:
        r = self.redis_client()
        pipe = r.pipeline()           # transaction=True: MULTI ... EXEC
        pipe.set("p", "1").incr("p").get("p").incrby("p", 10)
        self.assertEqual(pipe.execute(), [True, 2, b"2", 12])
        self.assertEqual(r.get("p"), b"12")

    def test_pipeline_transaction_runtime_error(self) -> None:
        r = self.redis_client()
        r.set("s", "text")
        pipe = r.pipeline()
        pipe.set("ok", "1").incr("s").get("ok")
        results = pipe.execute(raise_on_error=False)
        self.assertEqual(results[0], True)
        self.assertIsInstance(results[1], redis.ResponseError)
        self.assertEqual(results[2], b"1")

    def test_pipeline_without_transaction(self) -> None:
        r = self.redis_client()
        pipe = r.pipeline(transaction=False)
        for i in range(100):
            pipe.set(f"np{i}", i)
        for i in range(100):
            pipe.get(f"np{i}")
        results = pipe.execute()
        self.assertEqual(results[:100], [True] * 100)
        self.assertEqual(results[100:], [str(i).encode() for i in range(100)])

    def test_watch_conflict(self) -> None:
        r = self.redis_client()
        other = self.redis_client()
        r.set("w", "1")
        with r.pipeline() as pipe:
            pipe.watch("w")
            self.assertEqual(pipe.get("w"), b"1")   # immediate mode
            other.set("w", "changed")
            pipe.multi()
            pipe.set("w", "mine")
            with self.assertRaises(redis.WatchError):
                pipe.execute()
        self.assertEqual(r.get("w"), b"changed")

    def test_watch_no_conflict(self) -> None:
        r = self.redis_client()
        other = self.redis_client()
        r.set("w", "1")
        other.set("unrelated", "x")
        with r.pipeline() as pipe:
            pipe.watch("w")
            value = int(pipe.get("w"))
            pipe.multi()
            pipe.set("w", value + 1)
            self.assertEqual(pipe.execute(), [True])
        self.assertEqual(r.get("w"), b"2")

    def test_config_get_port(self) -> None:
        r = self.redis_client()
        self.assertEqual(r.config_get("port"), {"port": str(SERVER.port)})

    def test_client_name(self) -> None:
        r = self.redis_client()
        self.assertIsNone(r.client_getname())
        self.assertTrue(r.client_setname("harness-client"))
        self.assertEqual(r.client_getname(), "harness-client")
        listing = r.execute_command("CLIENT", "LIST")
        if isinstance(listing, bytes):
            listing = listing.decode()
        self.assertIn("name=harness-client", listing)
        names = [c.get("name") for c in r.client_list()]
        self.assertIn("harness-client", names)

    def test_info(self) -> None:
        c = self.raw()
        self.assertEqual(c.call("SET", "info-key", "v"), b"+OK\r\n")
        text = harness.decode(c.call("INFO")).decode()
        self.assertIn("redis_version:", text)
        self.assertIn("# Keyspace", text)
        self.assertIn("db0:keys=1,", text)
        section = harness.decode(c.call("INFO", "server")).decode()
        self.assertIn("redis_version:", section)
        self.assertIn(f"tcp_port:{SERVER.port}\r\n", section)
        self.assertNotIn("# Keyspace", section)


class Resp3Test(ServerTest):
    def test_hello3_and_replies(self) -> None:
        c = self.raw()
        reply = c.call("HELLO", "3")
        self.assertEqual(reply[:1], b"%", reply)
        info = harness.decode(reply)
        self.assertEqual(info[b"proto"], 3)
        self.assertIn(b"version", info)
        self.assertEqual(c.call("GET", "missing"), b"_\r\n")
        self.assertEqual(c.call("SET", "k", "v"), b"+OK\r\n")
        self.assertEqual(c.call("GET", "k"), b"$1\r\nv\r\n")
        self.assertEqual(c.call("INCR", "n"), b":1\r\n")
        self.assertEqual(c.call("MGET", "k", "missing"),
                         b"*2\r\n$1\r\nv\r\n_\r\n")
        self.assertEqual(harness.decode(c.call("CONFIG", "GET", "port")),
                         {b"port": str(SERVER.port).encode()})
        # An aborted transaction is a RESP3 null.
        other = self.raw()
        self.assertEqual(c.call("WATCH", "k"), b"+OK\r\n")
        self.assertEqual(other.call("SET", "k", "changed"), b"+OK\r\n")
        self.assertEqual(c.call("MULTI"), b"+OK\r\n")
        self.assertEqual(c.call("GET", "k"), b"+QUEUED\r\n")
        self.assertEqual(c.call("EXEC"), b"_\r\n")
        # Back to RESP2.
        self.assertEqual(c.call("HELLO", "2")[:1], b"*")
        self.assertEqual(c.call("GET", "missing"), b"$-1\r\n")

    def test_hello_errors(self) -> None:
        c = self.raw()
        self.assertTrue(c.call("HELLO", "4").startswith(b"-NOPROTO"))
        self.assertTrue(c.call("HELLO", "1").startswith(b"-NOPROTO"))
        self.assertTrue(c.call("HELLO", "abc").startswith(b"-"))
        # Still RESP2 after the failures.
        self.assertEqual(c.call("GET", "missing"), b"$-1\r\n")


class ProtocolTest(ServerTest):
    def test_bulk_length_too_big_closes_connection(self) -> None:
        bystander = self.raw()
        self.assertEqual(bystander.call("SET", "b", "1"), b"+OK\r\n")
        c = self.raw()
        c.send(b"*1\r\n$4294967296\r\n")
        self.assertEqual(c.read_reply(),
                         b"-ERR Protocol error: invalid bulk length\r\n")
        self.assertTrue(c.is_closed_by_peer(5.0),
                        "connection still open after a protocol error")
        self.assertEqual(bystander.call("GET", "b"), b"$1\r\n1\r\n")
        self.assertServerWorks()

    def test_other_protocol_errors(self) -> None:
        cases = [
            (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
            (b"*1\r\nfoo\r\n", b"-ERR Protocol error: expected '$', got 'f'\r\n"),
            (b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
            (b"*1\r\n$536870913\r\n",
             b"-ERR Protocol error: invalid bulk length\r\n"),
            (b'SET a "unbalanced\r\n',
             b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        ]
        for payload, expected in cases:
            with self.subTest(payload=payload):
                c = self.raw()
                c.send(payload)
                self.assertEqual(c.read_reply(), expected)
                self.assertTrue(c.is_closed_by_peer(5.0))
        self.assertServerWorks()

    def test_huge_multibulk_count(self) -> None:
        if is_reference_redis():
            self.skipTest("redis-server 7.0 accepts counts up to INT_MAX "
                          "when no authentication is required")
        c = self.raw()
        c.send(b"*1048577\r\n")
        self.assertEqual(c.read_reply(),
                         b"-ERR Protocol error: invalid multibulk length\r\n")
        self.assertTrue(c.is_closed_by_peer(5.0))
        self.assertServerWorks()

    def test_half_command_then_disconnect(self) -> None:
        c = self.raw()
        c.send(b"*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\nonly")
        c.close()
        # A second half command stays open while others work.
        stuck = self.raw()
        stuck.send(b"*2\r\n$3\r\nGET\r\n$4\r\nha")
        other = self.raw()
        self.assertEqual(other.call("SET", "x", "1"), b"+OK\r\n")
        self.assertEqual(other.call("GET", "x"), b"$1\r\n1\r\n")
        self.assertEqual(other.call("EXISTS", "half"), b":0\r\n")
        # Finishing the half command later still works.
        stuck.send(b"lf\r\n")
        self.assertEqual(stuck.read_reply(), b"$-1\r\n")
        self.assertServerWorks()

    def test_command_split_into_single_bytes(self) -> None:
        c = self.raw()
        data = harness.encode_command(["SET", "split", "a\r\nb"])
        for i in range(len(data)):
            c.send(data[i:i + 1])
        self.assertEqual(c.read_reply(), b"+OK\r\n")
        self.assertEqual(c.call("GET", "split"), b"$4\r\na\r\nb\r\n")

    def test_inline_commands(self) -> None:
        c = self.raw()
        c.send(b"PING\r\n")
        self.assertEqual(c.read_reply(), b"+PONG\r\n")
        c.send(b"PING\n")
        self.assertEqual(c.read_reply(), b"+PONG\r\n")
        c.send(b'SET inline "two words"\r\nGET inline\r\n')
        self.assertEqual(c.read_replies(2),
                         [b"+OK\r\n", b"$9\r\ntwo words\r\n"])
        c.send(b"\r\n\r\nPING\r\n")                # empty lines are skipped
        self.assertEqual(c.read_reply(), b"+PONG\r\n")
        c.send(b"*0\r\nPING\r\n")                   # so is an empty array
        self.assertEqual(c.read_reply(), b"+PONG\r\n")

    def test_pipelining_10000_commands(self) -> None:
        c = self.raw(timeout=30)
        n = 10000
        payload = b"".join(harness.encode_command(["INCR", "pipe"])
                           for _ in range(n))
        payload += harness.encode_command(["GET", "pipe"])
        # Write from a thread so a server that stops reading while its
        # replies are not yet consumed cannot deadlock the test.
        errors = []

        def writer() -> None:
            try:
                c.send(payload)
            except OSError as e:     # pragma: no cover - reported below
                errors.append(e)

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        replies = c.read_replies(n + 1, timeout=30)
        t.join(10)
        self.assertEqual(errors, [])
        self.assertEqual(replies[:n], [b":%d\r\n" % (i + 1) for i in range(n)])
        self.assertEqual(replies[n], b"$5\r\n10000\r\n")

    def test_slow_reader_gets_every_reply_byte(self) -> None:
        # 160 MB of replies to a reader that starts late and reads slowly:
        # the server's writes block and must resume when the socket drains
        # (write readiness is requested only once a write would block).
        c = self.raw(timeout=30)
        big = b"x" * (8 << 20)
        self.assertEqual(c.call("SET", "big", big), b"+OK\r\n")
        c.send(harness.encode_command(["GET", "big"]) * 20)
        time.sleep(0.3)
        want = (len(b"$%d\r\n" % len(big)) + len(big) + 2) * 20
        got = bytearray()
        while len(got) < want:
            chunk = c.sock.recv(1 << 16)
            self.assertTrue(chunk, "connection closed early")
            got += chunk
            if len(got) < (1 << 20):
                time.sleep(0.01)
        self.assertEqual(len(got), want)
        self.assertEqual(bytes(got[:12]), b"$8388608\r\nxx")
        self.assertEqual(c.call("PING"), b"+PONG\r\n")

    def test_many_clients(self) -> None:
        clients = [self.raw() for _ in range(50)]
        for i, c in enumerate(clients):
            c.send_command("SET", f"mc{i}", str(i))
        for c in clients:
            self.assertEqual(c.read_reply(), b"+OK\r\n")
        for i, c in enumerate(clients):
            self.assertEqual(c.call("GET", f"mc{i}"),
                             b"$%d\r\n%d\r\n" % (len(str(i)), i))


class ShutdownTest(unittest.TestCase):
    def test_shutdown_nosave_stops_process(self) -> None:
        server = harness.Server(BIN).start()
        try:
            bystander = server.client()
            c = server.client()
            c.send_command("SHUTDOWN", "NOSAVE")
            with self.assertRaises(harness.ConnectionClosed):
                c.read_reply(timeout=10)
            code = harness.wait_for_exit(server.proc, 10)
            self.assertIsNotNone(code, "server still running after SHUTDOWN")
            self.assertEqual(code, 0)
            self.assertTrue(bystander.is_closed_by_peer(2.0))
            with self.assertRaises(OSError):
                socket.create_connection((harness.HOST, server.port), timeout=2)
            c.close()
            bystander.close()
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
