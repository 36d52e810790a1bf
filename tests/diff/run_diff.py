#!/usr/bin/python3
r"""Differential test runner: Peregrine against redis-server.

Usage:
    run_diff.py --peregrine PATH [--redis redis-server] [--timeout S]
                [--verbose] [cases...]

Starts both servers on free ports of 127.0.0.1, runs every case file (all of
tests/diff/cases/*.txt when none is named) against both, sends each command
to both servers and compares the raw reply bytes exactly.  Differences are
printed as file:line, the command, redis's bytes and Peregrine's bytes.  The
exit status is 0 when nothing differs, 1 when something does, 2 when a server
could not be started or a case file is malformed.  Blocks of lines that need
commands Peregrine does not implement yet are skipped and listed (see
!requires below); they do not change the exit status.

Run it with Peregrine replaced by redis-server itself to check that case
files are deterministic:
    run_diff.py --peregrine redis-server

Case file format
----------------
One command per line.  Blank lines are ignored; lines whose first
non-blank character is '#' are comments.

Arguments are split like a POSIX shell does (Python's shlex, whitespace
separated, "double" and 'single' quotes group words, "" is an empty
argument), with one difference: the backslash is not a shell escape.  Every
argument is afterwards decoded by these escapes, wherever they occur (inside
quotes or not):

    \\        a backslash             \n   line feed (0x0a)
    \r        carriage return         \t   tab
    \"        a double quote          \'   a single quote
    \xHH      the byte 0xHH (two hex digits), e.g. \x00
    \{N:TEXT} TEXT repeated N times (TEXT may not contain '}' and is not
              itself decoded), e.g. \{100000:ab} is 200000 bytes

Any other backslash sequence is an error, so a literal backslash must be
written \\.  A double quote inside a double-quoted argument cannot be written
as \" (the quote would end the argument); write \x22, or use single quotes.
Arguments are sent as bytes: text is UTF-8.

Directives (a line starting with '!'):

    !flushall           FLUSHALL on both servers (reply not compared)
    !sleep MS           sleep MS milliseconds
    !unordered          the next command's reply may list elements in any
                        order: elements of every array/set/map in it, at any
                        depth, are sorted before comparing (map entries as
                        key/value units)
    !skip-reason TEXT   the next command is sent to both but its replies are
                        not compared; a difference is listed as known, with
                        TEXT, and does not fail the run
    !resp3              HELLO 3 on both (reply not compared); the rest of the
                        file (on the current client) speaks RESP3
    !client N           send the following commands on connection N (0 is the
                        default; others are opened on first use, in the
                        same protocol as connection 0 was started).  Used for
                        WATCH/MULTI interplay between clients.
    !requires CMD [CMD ...]
    ...
    !end-requires       a block of lines that needs the commands CMD (names
                        as COMMAND INFO takes them: SADD, object|encoding).
                        At start-up the runner asks Peregrine COMMAND INFO for
                        every command named in any block.  A block whose
                        commands are all known runs like any other lines;
                        otherwise every line in it, directives included, is
                        skipped on both servers and the block is listed as
                        "skipped: FILE:FIRST-LAST needs CMD (not
                        implemented)".  Skipped blocks are counted (blocks and
                        commands) in the summary; they do not fail the run.
                        Blocks do not nest; a block must end on the client it
                        started on, may not contain !resp3, and may not start
                        or end between !unordered / !skip-reason and their
                        command.  Lines after a block must not depend on what
                        it did: keep a key of another type, its WRONGTYPE
                        checks and any DBSIZE/KEYS/SCAN that counts it inside
                        one block, or delete the key before !end-requires.  A
                        later block may use what an earlier one left only
                        when it requires the same commands.

Each case file starts on fresh connections after FLUSHALL on both servers.
Commands of a file are sent in order; one reply is read per command (do not
use commands that leave the connection in subscribe mode or that block).
If one server dies, that is reported as a difference (with the tail of its
log), the rest of the file is skipped and the server is restarted for the
next file.  If both exit after the same command (a SHUTDOWN in a case file)
the rest of the file is skipped without a difference.  A reply that does not
come within --timeout seconds, or a connection the server closes, is shown as
"(nothing)" with a note; it is not a difference when both servers did the
same.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shlex
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402

MAX_REPEAT_BYTES = 64 << 20
SHOW_BYTES = 400


class CaseError(Exception):
    """A malformed case file line."""


_ESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{2}|\{[0-9]+:[^}]*\}|.|$)", re.S)
_SIMPLE = {b"\\": b"\\", b"n": b"\n", b"r": b"\r", b"t": b"\t",
           b'"': b'"', b"'": b"'"}


def decode_arg(token: str) -> bytes:
    raw = token.encode("utf-8", "surrogateescape")

    def sub(m: re.Match) -> bytes:
        e = m.group(1)
        if e in _SIMPLE:
            return _SIMPLE[e]
        if e[:1] == b"x" and len(e) == 3:
            return bytes([int(e[1:], 16)])
        if e[:1] == b"{":
            count, text = e[1:-1].split(b":", 1)
            n = int(count)
            if n * len(text) > MAX_REPEAT_BYTES:
                raise CaseError(f"repetition too large: {e[:40]!r}")
            return text * n
        raise CaseError(f"unknown escape \\{e.decode('latin-1')!r} "
                        f"in {token!r}")

    return _ESCAPE.sub(sub, raw)


def split_command(line: str) -> List[bytes]:
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.escape = ""          # backslashes are decoded by decode_arg
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError as e:
        raise CaseError(str(e)) from None
    return [decode_arg(t) for t in tokens]


DIRECTIVES = ("!flushall", "!sleep", "!unordered", "!skip-reason", "!resp3",
              "!client", "!requires", "!end-requires")


class Block:
    """One !requires ... !end-requires block of a case file."""

    def __init__(self, name: str, first: int, commands: List[str]):
        self.name = name            # the file, as reported
        self.first = first          # line of !requires
        self.last = 0               # line of !end-requires
        self.commands = commands    # as written, in order
        self.missing: List[str] = []
        self.skipped_commands = 0

    def where(self) -> str:
        return f"{self.name}:{self.first}-{self.last}"


def scan_blocks(path: str) -> Dict[int, Block]:
    """Checks the !requires blocks of a case file and returns them by the
    line number of their !requires line.  Raises CaseError on a block that
    is malformed or left open, and on an unknown directive anywhere."""
    name = os.path.relpath(path)
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().splitlines()
    blocks: Dict[int, Block] = {}
    open_block: Optional[Block] = None
    block_client = 0
    client = 0
    pending = ""        # a one-shot directive still waiting for its command
    for lineno, line in enumerate(lines, 1):
        where = f"{name}:{lineno}"
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not text.startswith("!"):
            pending = ""
            continue
        word, _, rest = text.partition(" ")
        rest = rest.strip()
        if word not in DIRECTIVES:
            raise CaseError(f"{where}: unknown directive {word}")
        if word in ("!unordered", "!skip-reason"):
            pending = word
        elif word == "!client":
            try:
                client = int(rest)
            except ValueError:
                raise CaseError(f"{where}: bad !client {rest!r}")
        elif word == "!resp3" and open_block is not None:
            raise CaseError(f"{where}: !resp3 inside a !requires block "
                            f"(from line {open_block.first})")
        elif word == "!requires":
            if open_block is not None:
                raise CaseError(f"{where}: !requires inside the !requires "
                                f"block of line {open_block.first}")
            if pending:
                raise CaseError(f"{where}: !requires between {pending} and "
                                f"its command")
            commands = rest.split()
            if not commands:
                raise CaseError(f"{where}: !requires needs a command name")
            open_block = Block(name, lineno, commands)
            block_client = client
        elif word == "!end-requires":
            if open_block is None:
                raise CaseError(f"{where}: !end-requires without !requires")
            if rest:
                raise CaseError(f"{where}: !end-requires takes no argument")
            if pending:
                raise CaseError(f"{where}: !end-requires between {pending} "
                                f"and its command")
            if client != block_client:
                raise CaseError(f"{where}: block of line {open_block.first} "
                                f"ends on client {client}, started on "
                                f"{block_client}")
            open_block.last = lineno
            blocks[open_block.first] = open_block
            open_block = None
    if open_block is not None:
        raise CaseError(f"{name}:{open_block.first}: !requires without "
                        f"!end-requires")
    return blocks


def known_commands(port: int, names: List[str],
                   timeout: float) -> Tuple[Dict[str, bool], str]:
    """Asks the server on port COMMAND INFO for every name; returns
    {lower-case name: known} and a note ("" when the question worked).
    A server that cannot answer COMMAND INFO knows none of them."""
    if not names:
        return {}, ""
    try:
        with harness.RespClient(port, timeout=timeout) as c:
            raw = c.call("COMMAND", "INFO", *names)
        reply = harness.decode(raw)
    except (harness.ReplyTimeout, harness.ConnectionClosed,
            harness.RespError, OSError) as e:
        return {n.lower(): False for n in names}, \
            f"COMMAND INFO failed: {e}"
    if not isinstance(reply, list) or isinstance(reply, harness.Push) or \
            len(reply) != len(names):
        return {n.lower(): False for n in names}, \
            f"COMMAND INFO answered {show(raw)}"
    return {n.lower(): r is not None for n, r in zip(names, reply)}, ""


def show(b: Optional[bytes]) -> str:
    if b is None:
        return "(nothing)"
    text = repr(b)
    if len(text) > SHOW_BYTES:
        text = text[:SHOW_BYTES] + f"... ({len(b)} bytes)"
    return text


def show_command(args: List[bytes]) -> str:
    parts = []
    for a in args:
        s = a.decode("utf-8", "backslashreplace")
        if len(s) > 60:
            s = s[:60] + f"...({len(a)} bytes)"
        if not s or any(c in s for c in " \"'\\") or \
                any(ord(c) < 32 or ord(c) == 127 for c in s):
            s = repr(a)[1:]
        parts.append(s)
    return " ".join(parts)


class Difference:
    def __init__(self, where: str, command: str, redis: Optional[bytes],
                 peregrine: Optional[bytes], note: str = "",
                 known: str = ""):
        self.where = where
        self.command = command
        self.redis = redis
        self.peregrine = peregrine
        self.note = note
        self.known = known

    def render(self) -> str:
        lines = [f"{self.where}: {self.command}"]
        if self.known:
            lines.append(f"    known: {self.known}")
        if self.note:
            lines.append(f"    note:      {self.note}")
        lines.append(f"    redis:     {show(self.redis)}")
        lines.append(f"    peregrine: {show(self.peregrine)}")
        return "\n".join(lines)


class Side:
    """One server and its connections."""

    def __init__(self, name: str, binary: str, timeout: float,
                 args: Sequence[str] = ()):
        self.name = name
        self.binary = binary
        self.args = list(args)
        self.timeout = timeout
        self.server: Optional[harness.Server] = None
        self.clients: Dict[int, harness.RespClient] = {}
        self.resp3: Dict[int, bool] = {}

    def start(self) -> None:
        self.server = harness.Server(self.binary, self.args).start()

    def stop(self) -> None:
        self.close_clients()
        if self.server is not None:
            self.server.stop()
            self.server = None

    def restart_if_dead(self) -> Optional[str]:
        """Restarts a dead server; returns a note on how it died."""
        if self.server is not None and not self.server.alive():
            code = self.server.proc.returncode
            tail = self.server.log_tail(1500)
            self.stop()
            self.start()
            return f"{self.name} server exited (status {code}); log tail:\n" \
                   + "\n".join("      " + ln[:200]
                               for ln in tail.splitlines()[-8:])
        return None

    def close_clients(self) -> None:
        for c in self.clients.values():
            c.close()
        self.clients.clear()
        self.resp3.clear()

    def client(self, n: int) -> harness.RespClient:
        c = self.clients.get(n)
        if c is None:
            c = harness.RespClient(self.server.port, timeout=self.timeout)
            self.clients[n] = c
            if n != 0 and self.resp3.get(0):
                c.call("HELLO", "3")
                self.resp3[n] = True
        return c

    def call(self, n: int, args: List[bytes]) -> Tuple[Optional[bytes], str]:
        """Sends a command on connection n; returns (reply, problem).  When
        no reply came, reply is None and problem says why; it starts with a
        fixed word (closed, timeout, malformed, socket) so two servers that
        failed the same way compare equal."""
        try:
            c = self.client(n)
            c.send_command(*args)
            return c.read_reply(), ""
        except harness.ReplyTimeout:
            problem = f"timeout: no reply within {self.timeout}s"
        except harness.ConnectionClosed as e:
            problem = "closed: connection closed" + \
                (f" after partial reply {e.partial[:80]!r}" if e.partial else "")
        except harness.RespError as e:
            problem = f"malformed: {e}"
        except OSError as e:
            problem = f"socket: {e}"
        # The connection is unusable now: drop it; a new one is opened for
        # the next command on this client number.
        c = self.clients.pop(n, None)
        if c is not None:
            c.close()
        return None, problem


class Runner:
    def __init__(self, redis: Side, peregrine: Side, verbose: bool,
                 blocks: Dict[str, Dict[int, Block]],
                 known: Dict[str, bool]):
        self.redis = redis
        self.peregrine = peregrine
        self.verbose = verbose
        self.blocks = blocks        # by case file path, then first line
        self.known_commands = known  # by lower-case command name
        self.diffs: List[Difference] = []
        self.known: List[Difference] = []
        self.skipped: List[Block] = []
        self.commands = 0

    def both(self, n: int, args: List[bytes]):
        """Sends to both; returns (redis reply, peregrine reply, problem).
        problem is "" when both replied or both failed the same way."""
        r, rp = self.redis.call(n, args)
        p, pp = self.peregrine.call(n, args)
        if rp.split(":")[0] == pp.split(":")[0]:
            return r, p, ""
        return r, p, "; ".join(f"{name}: {x}" for name, x in
                               (("redis", rp), ("peregrine", pp)) if x)

    def run_file(self, path: str) -> None:
        name = os.path.relpath(path)
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().splitlines()

        for side in (self.redis, self.peregrine):
            side.close_clients()
        r, p, problem = self.both(0, [b"FLUSHALL"])
        if problem or r != b"+OK\r\n" or p != b"+OK\r\n":
            self.diffs.append(Difference(f"{name}:0", "FLUSHALL (setup)", r, p,
                                         problem or "setup failed"))
            return

        blocks = self.blocks.get(path, {})
        client = 0
        unordered = False
        skip_reason = ""
        skipping: Optional[Block] = None
        for lineno, line in enumerate(lines, 1):
            where = f"{name}:{lineno}"
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if skipping is not None:
                # Inside a block that needs a missing command: nothing is
                # sent and no directive acts, on either server.
                if text.split(None, 1)[0] == "!end-requires":
                    skipping = None
                elif not text.startswith("!"):
                    try:
                        if split_command(text):
                            skipping.skipped_commands += 1
                    except CaseError as e:
                        raise CaseError(f"{where}: {e}") from None
                continue
            if text.startswith("!"):
                word, _, rest = text.partition(" ")
                rest = rest.strip()
                if word == "!requires":
                    block = blocks[lineno]
                    missing = [c for c in block.commands
                               if not self.known_commands[c.lower()]]
                    if missing:
                        skipping = Block(block.name, block.first,
                                         block.commands)
                        skipping.last = block.last
                        skipping.missing = missing
                        self.skipped.append(skipping)
                elif word == "!end-requires":
                    pass
                elif word == "!flushall":
                    r, p, problem = self.both(client, [b"FLUSHALL"])
                    if problem:
                        self.diffs.append(Difference(where, "!flushall", r, p,
                                                     problem))
                elif word == "!sleep":
                    try:
                        ms = int(rest)
                    except ValueError:
                        raise CaseError(f"{where}: bad !sleep {rest!r}")
                    if not 0 <= ms <= 10000:
                        raise CaseError(f"{where}: !sleep out of range")
                    time.sleep(ms / 1000)
                elif word == "!unordered":
                    unordered = True
                elif word == "!skip-reason":
                    if not rest:
                        raise CaseError(f"{where}: !skip-reason needs a text")
                    skip_reason = rest
                elif word == "!resp3":
                    r, p, problem = self.both(client, [b"HELLO", b"3"])
                    if problem or r[:1] != b"%" or p[:1] != b"%":
                        self.diffs.append(Difference(where, "HELLO 3", r, p,
                                                     problem or "HELLO 3 failed"))
                    for side in (self.redis, self.peregrine):
                        side.resp3[client] = True
                elif word == "!client":
                    try:
                        client = int(rest)
                    except ValueError:
                        raise CaseError(f"{where}: bad !client {rest!r}")
                    if not 0 <= client < 64:
                        raise CaseError(f"{where}: !client out of range")
                else:
                    raise CaseError(f"{where}: unknown directive {word}")
                continue

            try:
                args = split_command(text)
            except CaseError as e:
                raise CaseError(f"{where}: {e}") from None
            if not args:
                continue
            self.commands += 1
            cmd = show_command(args)
            r, p, problem = self.both(client, args)
            if self.verbose:
                print(f"{where}: {cmd}\n    -> {show(r)}")
            same = r == p and not problem
            note = problem
            if not same and unordered and r is not None and p is not None \
                    and not problem:
                try:
                    same = harness.canonical_unordered(r) == \
                        harness.canonical_unordered(p)
                except harness.RespError as e:
                    note = f"cannot sort reply: {e}"
            if not same:
                d = Difference(where, cmd, r, p, note, skip_reason)
                (self.known if skip_reason else self.diffs).append(d)
            unordered = False
            skip_reason = ""

            sides = (self.redis, self.peregrine)
            for side, reply in zip(sides, (r, p)):
                if reply is None:
                    # A closed connection may mean the process is on its way
                    # out: give it a moment so both sides are judged alike.
                    harness.wait_for_exit(side.server.proc, 1.0)
            dead = [not s.server.alive() for s in sides]
            if any(dead):
                notes = [s.restart_if_dead() for s in sides]
                if all(dead):
                    # Both exited (e.g. a SHUTDOWN in the case file): the
                    # servers agree, but the file cannot go on.
                    print(f"{where}: both servers exited; restarted them, "
                          f"rest of file skipped")
                else:
                    self.diffs.append(Difference(
                        where, cmd, r, p, "\n".join(n for n in notes if n) +
                        "\n    (rest of file skipped)"))
                return


def main() -> int:
    ap = argparse.ArgumentParser(
        description="Compare Peregrine's replies with redis-server's.")
    ap.add_argument("--peregrine", required=True,
                    help="Peregrine binary (or redis-server to self-check)")
    ap.add_argument("--redis", default="redis-server",
                    help="reference redis-server binary")
    ap.add_argument("--timeout", type=float, default=5.0,
                    help="seconds to wait for each reply")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="print every command and redis's reply")
    ap.add_argument("cases", nargs="*",
                    help="case files (default: tests/diff/cases/*.txt)")
    opts = ap.parse_args()

    cases = opts.cases or sorted(glob.glob(os.path.join(HERE, "cases", "*.txt")))
    if not cases:
        print("no case files", file=sys.stderr)
        return 2

    try:
        blocks = {path: scan_blocks(path) for path in cases}
    except CaseError as e:
        print(f"case file error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    required: List[str] = []
    for by_line in blocks.values():
        for block in by_line.values():
            for c in block.commands:
                if c.lower() not in (r.lower() for r in required):
                    required.append(c)

    redis = Side("redis", opts.redis, opts.timeout)
    # Peregrine runs with the encodings of the reference's version.
    peregrine = Side("peregrine", opts.peregrine, opts.timeout,
                     [] if harness.is_redis_binary(opts.peregrine)
                     else harness.parity_args(opts.redis))
    started = time.monotonic()
    try:
        try:
            redis.start()
            peregrine.start()
        except (RuntimeError, FileNotFoundError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        known, note = known_commands(peregrine.server.port, required,
                                     opts.timeout)
        if note:
            print(f"note: {note}; every !requires block is skipped")
        if opts.verbose:
            missing = [c for c in required if not known[c.lower()]]
            print(f"commands Peregrine lacks: {' '.join(missing) or '(none)'}")
        runner = Runner(redis, peregrine, opts.verbose, blocks, known)
        for path in cases:
            before = len(runner.diffs)
            skipped_before = len(runner.skipped)
            runner.run_file(path)
            n = len(runner.diffs) - before
            k = len(runner.skipped) - skipped_before
            print(f"{os.path.relpath(path)}: "
                  f"{'ok' if n == 0 else f'{n} difference(s)'}"
                  f"{f', {k} block(s) skipped' if k else ''}")
    except CaseError as e:
        print(f"case file error: {e}", file=sys.stderr)
        return 2
    finally:
        redis.stop()
        peregrine.stop()

    elapsed = time.monotonic() - started
    skipped_commands = sum(b.skipped_commands for b in runner.skipped)
    if runner.skipped:
        print(f"\n=== {len(runner.skipped)} skipped block(s), "
              f"{skipped_commands} command(s) (not counted) ===")
        for b in runner.skipped:
            print(f"skipped: {b.where()} needs {' '.join(b.missing)} "
                  f"(not implemented)")
    if runner.known:
        print(f"\n=== {len(runner.known)} known difference(s) "
              f"(not counted) ===")
        for d in runner.known:
            print(d.render())
    if runner.diffs:
        print(f"\n=== {len(runner.diffs)} difference(s) ===")
        for d in runner.diffs:
            print(d.render())
    print(f"\n{len(cases)} file(s), {runner.commands} command(s), "
          f"{len(runner.diffs)} difference(s), {len(runner.known)} known, "
          f"{skipped_commands} skipped (in {len(runner.skipped)} block(s)), "
          f"{elapsed:.1f}s")
    return 1 if runner.diffs else 0


if __name__ == "__main__":
    sys.exit(main())
