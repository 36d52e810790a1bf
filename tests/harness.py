"""Shared helpers for Peregrine's Python test tools.

What is here:

* ``free_port()``            -- a TCP port on 127.0.0.1 that is free right now.
* ``Server``                 -- starts a server binary (Peregrine or
                                redis-server) on 127.0.0.1 in a fresh temporary
                                directory, waits until it answers PING, and
                                stops it again (SHUTDOWN NOSAVE, then kill).
* ``RespClient``             -- a raw RESP client: sends bytes, reads exactly
                                one complete reply and returns its raw bytes.
                                Understands every RESP2 and RESP3 type,
                                including nested arrays, maps, sets, pushes and
                                attributes.
* ``reply_end()``            -- where one complete reply ends in a buffer.
* ``decode()``               -- raw reply bytes to Python values (for tests
                                that want to look inside a reply).
* ``split_aggregate()``      -- the header and element slices of an aggregate.
* ``encode_command()``       -- arguments to a RESP multibulk request.

Only the standard library is used.  All traffic stays on 127.0.0.1; every
wait is bounded by a timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import List, Optional, Sequence, Tuple, Union

HOST = "127.0.0.1"

Arg = Union[bytes, str, int, float]


class RespError(Exception):
    """The peer sent bytes that are not valid RESP."""


class ReplyTimeout(Exception):
    """No complete reply arrived within the timeout."""


class ConnectionClosed(Exception):
    """The peer closed the connection before a complete reply arrived."""

    def __init__(self, partial: bytes = b""):
        super().__init__("connection closed by peer" +
                         (f" after {partial[:80]!r}" if partial else ""))
        self.partial = partial


# ---------------------------------------------------------------------------
# Ports and servers
# ---------------------------------------------------------------------------

def free_port() -> int:
    """Returns a port on 127.0.0.1 that nothing listens on right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port != 6379:
            return port
    raise RuntimeError("could not find a free port")


def is_redis_binary(binary: str) -> bool:
    """True for a redis-server or valkey-server binary (it gets persistence
    switched off)."""
    return os.path.basename(binary).startswith(("redis-server", "valkey-server"))


def redis_version(binary: str = "redis-server") -> Tuple[int, ...]:
    """The version of a redis-server binary, from ``--version``
    ("Redis server v=7.0.15 ..."); () when it cannot be read."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    for word in out.split():
        if word.startswith("v="):
            try:
                return tuple(int(p) for p in word[2:].split("."))
            except ValueError:
                return ()
    return ()


def parity_args(reference: str = "redis-server") -> List[str]:
    """Peregrine options that give the encodings of the reference server's
    version, for tests that compare the two byte for byte: Redis before 7.2
    keeps small sets of strings in hash tables, not listpacks, calls every
    list a quicklist, renders doubles with "%.17g" (0.10000000000000001
    where 7.2 says 0.1) and converts a listpack only as ZADD or HSET adds
    members (7.2 converts first when the command has more pairs than the
    listpack holds)."""
    version = redis_version(reference)
    if version and version < (7, 2):
        return ["--set-max-listpack-entries", "0", "--report-lists-as-quicklist", "yes",
                "--legacy-double-replies", "yes", "--legacy-size-hints", "yes"]
    return []


def encode_command(args: Sequence[Arg]) -> bytes:
    """Encodes one command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, bytes):
            b = a
        elif isinstance(a, str):
            b = a.encode("utf-8", "surrogateescape")
        else:
            b = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


class Server:
    """One server process listening on 127.0.0.1:port.

    ``binary`` is run as ``binary --port P --bind 127.0.0.1 [extra args]``
    with a fresh temporary directory as its working directory; its output
    goes to ``server.log`` there.  redis-server binaries also get
    ``--save '' --appendonly no`` so they never write files.
    """

    def __init__(self, binary: str, args: Sequence[str] = (),
                 port: Optional[int] = None, start_timeout: float = 15.0):
        self.binary = binary
        self.extra_args = list(args)
        self.port = port
        self.start_timeout = start_timeout
        self.proc: Optional[subprocess.Popen] = None
        self.dir: Optional[str] = None
        self.log_path: Optional[str] = None
        self._log_file = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> "Server":
        resolved = shutil.which(self.binary) or self.binary
        if not os.path.exists(resolved):
            raise FileNotFoundError(f"server binary not found: {self.binary}")
        resolved = os.path.abspath(resolved)
        self.dir = tempfile.mkdtemp(prefix="peregrine-test-")
        self.log_path = os.path.join(self.dir, "server.log")
        last_error = ""
        fixed_port = self.port
        # A port picked free can be taken by someone else before the server
        # binds it: when the port was not given, retry with a new one.
        for _attempt in range(1 if fixed_port is not None else 3):
            port = fixed_port if fixed_port is not None else free_port()
            cmd = [resolved, "--port", str(port), "--bind", HOST]
            if is_redis_binary(resolved):
                cmd += ["--save", "", "--appendonly", "no"]
            cmd += self.extra_args
            self._log_file = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                cmd, cwd=self.dir, stdin=subprocess.DEVNULL,
                stdout=self._log_file, stderr=subprocess.STDOUT,
                start_new_session=True)
            self.port = port
            ok, last_error = self._wait_ready()
            if ok:
                return self
            self._kill()
            log = self.log_tail(2000).lower()
            if fixed_port is not None or not ("in use" in log or "bind" in log):
                break          # not a lost race for the port: give up
        tail = self.log_tail()
        self._cleanup_dir()
        raise RuntimeError(
            f"server {self.binary} did not start: {last_error}\n"
            f"--- log tail ---\n{tail}")

    def _wait_ready(self) -> Tuple[bool, str]:
        deadline = time.monotonic() + self.start_timeout
        err = "timed out waiting for PING"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False, f"exited with code {self.proc.returncode}"
            try:
                with RespClient(self.port, timeout=1.0) as c:
                    reply = c.call("PING")
                if reply == b"+PONG\r\n":
                    return True, ""
                # A server that is still loading answers -LOADING: wait.
                err = f"PING answered {reply!r}"
            except (OSError, ReplyTimeout, ConnectionClosed, RespError) as e:
                err = f"PING failed: {e}"
            time.sleep(0.05)
        return False, err

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 5.0) -> Optional[int]:
        """SHUTDOWN NOSAVE, then SIGKILL if still running.  Returns the exit
        code (None if it was never started)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                with RespClient(self.port, timeout=2.0) as c:
                    c.send_command("SHUTDOWN", "NOSAVE")
                    try:
                        c.read_reply()
                    except (ConnectionClosed, ReplyTimeout, OSError):
                        pass
            except OSError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self._kill()
        code = self.proc.returncode
        self._cleanup_dir()
        return code

    def _kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def _cleanup_dir(self) -> None:
        if self.dir and os.environ.get("PEREGRINE_KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def log_tail(self, nbytes: int = 4000) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - nbytes))
                return f.read().decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""

    def client(self, timeout: float = 5.0) -> "RespClient":
        return RespClient(self.port, timeout=timeout)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------
# RESP framing
# ---------------------------------------------------------------------------

_LINE_TYPES = b"+-:_#,("      # simple string, error, integer, null, boolean,
                              # double, big number: one line each
_BULK_TYPES = b"$!="          # bulk string, bulk error, verbatim string
_AGG_TYPES = b"*~>"           # array, set, push: N elements
_MAP_TYPES = b"%|"            # map, attribute: N key/value pairs

_MAX_DEPTH = 1000


def _line(buf: bytes, pos: int) -> Optional[int]:
    """Index just past the CRLF of the line starting at pos, or None."""
    i = buf.find(b"\r\n", pos)
    return None if i < 0 else i + 2


def _int_field(buf: bytes, start: int, end: int) -> int:
    text = buf[start:end - 2]
    try:
        return int(text)
    except ValueError:
        raise RespError(f"bad length {text[:40]!r}") from None


def reply_end(buf: bytes, pos: int = 0, depth: int = 0) -> Optional[int]:
    """Returns the index just past the complete reply starting at ``pos``, or
    None when ``buf`` does not hold all of it yet.  An attribute (``|``) is
    part of the reply that follows it, so the end returned is that reply's.
    Raises RespError on bytes that are not RESP."""
    if depth > _MAX_DEPTH:
        raise RespError("nesting too deep")
    if pos >= len(buf):
        return None
    t = buf[pos]
    end = _line(buf, pos)
    if end is None:
        return None
    if t in _LINE_TYPES:
        return end
    if t in _BULK_TYPES:
        if buf[pos + 1:end - 2] == b"?":
            return _streamed_end(buf, end)
        n = _int_field(buf, pos + 1, end)
        if n < 0:
            return end                       # RESP2 null bulk string ($-1)
        stop = end + n + 2
        if len(buf) < stop:
            return None
        if buf[stop - 2:stop] != b"\r\n":
            raise RespError("bulk string not followed by CRLF")
        return stop
    if t in _AGG_TYPES or t in _MAP_TYPES:
        if buf[pos + 1:end - 2] == b"?":
            return _streamed_agg_end(buf, end, depth, t in _MAP_TYPES)
        n = _int_field(buf, pos + 1, end)
        if n < 0:
            return end                       # RESP2 null array (*-1)
        count = n * 2 if t in _MAP_TYPES else n
        p = end
        for _ in range(count):
            p = reply_end(buf, p, depth + 1)
            if p is None:
                return None
        if t == ord("|"):                    # attribute: the reply follows
            return reply_end(buf, p, depth + 1)
        return p
    raise RespError(f"unknown RESP type byte {bytes([t])!r} in "
                    f"{buf[pos:pos + 40]!r}")


def _streamed_end(buf: bytes, pos: int) -> Optional[int]:
    """A streamed string: ;N chunks, ending with ;0."""
    p = pos
    while True:
        end = _line(buf, p)
        if end is None:
            return None
        if buf[p] != ord(";"):
            raise RespError("bad streamed string chunk")
        n = _int_field(buf, p + 1, end)
        if n == 0:
            return end
        p = end + n + 2
        if len(buf) < p:
            return None


def _streamed_agg_end(buf: bytes, pos: int, depth: int,
                      pairs: bool) -> Optional[int]:
    """A streamed aggregate: elements until a '.' line."""
    p = pos
    while True:
        if p >= len(buf):
            return None
        if buf[p] == ord("."):
            return _line(buf, p)
        for _ in range(2 if pairs else 1):
            p = reply_end(buf, p, depth + 1)
            if p is None:
                return None


def split_aggregate(raw: bytes) -> Tuple[bytes, List[bytes], bool]:
    """For a complete aggregate reply returns (header, elements, is_map):
    header is its first line (with any leading attribute), elements are the
    raw slices of its elements (for maps, each key and value joined).  For a
    non-aggregate reply returns (raw, [], False)."""
    lead = b""
    if raw[:1] == b"|":
        # Keep the attribute with the header; split what follows.
        first = _line(raw, 0)
        n = _int_field(raw, 1, first)
        p = first
        for _ in range(2 * n):
            p = reply_end(raw, p)
        lead, raw = raw[:p], raw[p:]
    t = raw[:1]
    if not t or t not in (b"*", b"~", b">", b"%") or raw[1:2] == b"-":
        return lead + raw, [], False
    first = _line(raw, 0)
    if raw[1:first - 2] == b"?":
        return lead + raw, [], False
    n = _int_field(raw, 1, first)
    is_map = t == b"%"
    elems = []
    p = first
    for _ in range(n):
        q = reply_end(raw, p)
        if is_map:
            q = reply_end(raw, q)
        elems.append(raw[p:q])
        p = q
    return lead + raw[:first], elems, is_map


def canonical_unordered(raw: bytes) -> bytes:
    """The reply with the elements of every aggregate, at every depth, sorted
    (map entries move as key/value units).  Two replies that differ only in
    element order have the same canonical form."""
    header, elems, is_map = split_aggregate(raw)
    if not elems:
        return header
    if is_map:
        canon = []
        for e in elems:
            k_end = reply_end(e, 0)
            canon.append(canonical_unordered(e[:k_end]) +
                         canonical_unordered(e[k_end:]))
    else:
        canon = [canonical_unordered(e) for e in elems]
    return header + b"".join(sorted(canon))


# ---------------------------------------------------------------------------
# Decoding to Python values
# ---------------------------------------------------------------------------

class Error(bytes):
    """An error reply (simple or bulk); compares equal to its text."""


class Push(list):
    """A RESP3 push message."""


class Verbatim(bytes):
    """A RESP3 verbatim string (format prefix removed; see .fmt)."""
    fmt = b""


def decode(raw: bytes):
    """Decodes one complete reply to Python values: bytes, Error, int, float,
    bool, None, list, set (as list when elements are unhashable), dict (as
    a list of pairs when keys are unhashable), Push.  Attributes are dropped.
    Big numbers become int."""
    value, end = _decode(raw, 0)
    if end != len(raw):
        raise RespError(f"{len(raw) - end} trailing bytes after reply")
    return value


def _decode(buf: bytes, pos: int):
    t = buf[pos:pos + 1]
    end = _line(buf, pos)
    if end is None:
        raise RespError("incomplete reply")
    body = buf[pos + 1:end - 2]
    if t == b"+":
        return body, end
    if t == b"-":
        return Error(body), end
    if t == b":" or t == b"(":
        return int(body), end
    if t == b"_":
        return None, end
    if t == b"#":
        return body == b"t", end
    if t == b",":
        return float(body), end
    if t in (b"$", b"!", b"="):
        n = int(body)
        if n < 0:
            return None, end
        data = buf[end:end + n]
        if t == b"!":
            return Error(data), end + n + 2
        if t == b"=":
            v = Verbatim(data[4:])
            v.fmt = data[:3]
            return v, end + n + 2
        return data, end + n + 2
    if t in (b"*", b"~", b">", b"%", b"|"):
        n = int(body)
        if n < 0:
            return None, end
        p = end
        if t in (b"%", b"|"):
            pairs = []
            for _ in range(n):
                k, p = _decode(buf, p)
                v, p = _decode(buf, p)
                pairs.append((k, v))
            if t == b"|":
                return _decode(buf, p)
            try:
                return dict(pairs), p
            except TypeError:
                return pairs, p
        items = []
        for _ in range(n):
            v, p = _decode(buf, p)
            items.append(v)
        if t == b">":
            return Push(items), p
        if t == b"~":
            try:
                return set(items), p
            except TypeError:
                return items, p
        return items, p
    raise RespError(f"unknown type {t!r}")


# ---------------------------------------------------------------------------
# Raw client
# ---------------------------------------------------------------------------

class RespClient:
    """A raw RESP connection.  ``read_reply`` returns the exact bytes of one
    complete reply; bytes received past it are kept for the next call, so
    pipelined replies can be read one by one."""

    def __init__(self, port: int, host: str = HOST, timeout: float = 5.0):
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RespClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, data: bytes) -> None:
        self.sock.settimeout(self.timeout)
        self.sock.sendall(data)

    def send_command(self, *args: Arg) -> None:
        self.send(encode_command(args))

    def read_reply(self, timeout: Optional[float] = None) -> bytes:
        """Reads exactly one complete reply and returns its raw bytes.
        Raises ReplyTimeout, ConnectionClosed or RespError."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            end = reply_end(self.buf, 0) if self.buf else None
            if end is not None:
                reply, self.buf = self.buf[:end], self.buf[end:]
                return reply
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReplyTimeout(
                    f"no complete reply within {limit}s; have {self.buf[:80]!r}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 16)
            except socket.timeout:
                continue
            except ConnectionResetError:
                raise ConnectionClosed(self.buf) from None
            if not chunk:
                raise ConnectionClosed(self.buf)
            self.buf += chunk

    def read_replies(self, n: int, timeout: Optional[float] = None) -> List[bytes]:
        """Reads n replies; the timeout covers all of them together."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        out = []
        for _ in range(n):
            out.append(self.read_reply(max(0.001, deadline - time.monotonic())))
        return out

    def call(self, *args: Arg, timeout: Optional[float] = None) -> bytes:
        """Sends one command and returns its raw reply."""
        self.send_command(*args)
        return self.read_reply(timeout)

    def call_decoded(self, *args: Arg, timeout: Optional[float] = None):
        return decode(self.call(*args, timeout=timeout))

    def is_closed_by_peer(self, timeout: float = 2.0) -> bool:
        """True if the peer closes the connection within ``timeout`` (any
        bytes that arrive first are appended to the buffer)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 16)
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            self.buf += chunk


def wait_for_exit(proc: subprocess.Popen, timeout: float) -> Optional[int]:
    """The exit code once ``proc`` exits, or None after ``timeout``."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def default_peregrine_bin() -> str:
    """PEREGRINE_BIN, or build/peregrine-server at the repository root."""
    env = os.environ.get("PEREGRINE_BIN")
    if env:
        return env
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(root, "build", "peregrine-server")
