#!/usr/bin/python3
"""Records how a Redis 7.2 server lays lists out in quicklist nodes, for
tests/sim/list_shape_test.cc to replay against Peregrine.

OBJECT ENCODING shows a quicklist's node layout only when removals leave a
single node; DEBUG OBJECT shows it always (ql_nodes: the node count,
ql_uncompressed_size: the bytes of all node listpacks, ql_listpack_max: the
fill the quicklist was made with). Peregrine has no DEBUG command, so the
layout is recorded here, once, from valkey-server (Redis 7.2.4 semantics),
and the simulator test replays the commands through the engine and compares
its ListShape with every recorded line.

    tests/diff/list_shape_trace.py [--redis valkey-server] [--seeds 30]
        [--commands 250] > tests/sim/list_shape_trace.txt

The commands (LPUSH/RPUSH, LINSERT and LSET at pivots and indexes the
lists hold, LREM, LTRIM, pops, LMOVE, LMPOP, SORT ... STORE) use the
elements of random_diff.py's listenc family (every listpack entry size,
now and then one past the node limit), under a limit drawn per seed. The trace format, one item a line:

    # seed N             a new seed: the keys are flushed
    > ARG ARG ...        a command (an argument "s*N" is N 's')
    = S S S              what l:0, l:1 and l:2 hold after it: "-" (no
                         key), "lp" (a listpack), or "ql:NODES:BYTES:FILL"
                         (a quicklist: its node count, the bytes of its
                         node listpacks in all, its fill)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from typing import List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402
import random_diff  # noqa: E402

KEYS = random_diff.LISTS  # l:0 l:1 l:2 (SORT ... STORE writes l:2 too)
FILLS = [-1, -1, -1, -2, -2, 3, 8]


def token(arg: str) -> str:
    if len(arg) > 8 and set(arg) == {"s"}:
        return f"s*{len(arg)}"
    if not arg or re.search(r"\s|\*", arg):
        raise ValueError(f"argument not representable in a trace: {arg!r}")
    return arg


def state(client: harness.RespClient, key: str) -> str:
    enc = client.call("OBJECT", "ENCODING", key)
    if enc.startswith(b"$-1") or enc.startswith(b"_"):
        return "-"
    name = enc.split(b"\r\n")[1].decode()
    if name != "quicklist":
        return {"listpack": "lp"}.get(name, name)
    info = client.call("DEBUG", "OBJECT", key).decode("latin-1")
    fields = dict(re.findall(r"(\w+):(\S+)", info))
    return (f"ql:{fields['ql_nodes']}:{fields['ql_uncompressed_size']}:"
            f"{fields['ql_listpack_max']}")


def command(gen: random_diff.Gen, c: harness.RespClient) -> List[str]:
    """One list command, with pivots and indexes taken from what the lists
    hold now, so that LINSERT and LSET reach every kind of node; long
    lists lean to removals."""
    r = gen.r
    k = r.choice(KEYS[:2])
    n = int(c.call("LLEN", k)[1:-2])
    x = r.random() * (0.7 if n > 300 else 1.0)
    if x > 0.6 or n == 0:
        return [r.choice(["LPUSH", "RPUSH"]), k] + [gen.enc_element()
                                                   for _ in range(r.randint(1, 10))]
    if x > 0.4:
        pivot = c.call("LINDEX", k, str(r.randrange(n))).split(b"\r\n")[1].decode()
        return ["LINSERT", k, r.choice(["BEFORE", "AFTER"]), pivot, gen.enc_element()]
    if x > 0.27:
        return ["LSET", k, str(r.randrange(-n, n)), gen.enc_element()]
    if x > 0.12:
        return [r.choice(["LPOP", "RPOP"]), k, str(r.randint(1, 6))]
    if x > 0.08:
        return ["LMOVE", k, r.choice(KEYS[:2]), r.choice(["LEFT", "RIGHT"]),
                r.choice(["LEFT", "RIGHT"])]
    if x > 0.05:
        e = c.call("LINDEX", k, str(r.randrange(n))).split(b"\r\n")[1].decode()
        return ["LREM", k, str(r.randint(-2, 2)), e]
    if x > 0.03:
        return ["LTRIM", k, str(r.randint(0, 5)), str(r.randint(-6, -1))]
    if x > 0.015:
        return ["LMPOP", "1", k, r.choice(["LEFT", "RIGHT"]), "COUNT", str(r.randint(1, 20))]
    return ["SORT", k, "BY", "nosort", "STORE", r.choice(KEYS)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--redis", default="valkey-server")
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--commands", type=int, default=250)
    opts = ap.parse_args()
    server = harness.Server(opts.redis, ["--enable-debug-command", "yes"]).start()
    out: List[str] = []
    try:
        c = server.client()
        for seed in range(1, opts.seeds + 1):
            rng = random.Random(seed)
            gen = random_diff.Gen(rng, True)
            fill = rng.choice(FILLS)
            out.append(f"# seed {seed}")
            c.call("FLUSHALL")
            setup = ["CONFIG", "SET", "list-max-listpack-size", str(fill)]
            c.call(*setup)
            out.append("> " + " ".join(setup))
            for _ in range(opts.commands):
                args = command(gen, c)
                try:
                    line = "> " + " ".join(token(a) for a in args)
                except ValueError:
                    continue
                c.call(*args)
                out.append(line)
                out.append("= " + " ".join(state(c, k) for k in KEYS))
    finally:
        server.stop()
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
