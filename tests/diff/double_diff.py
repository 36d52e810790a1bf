#!/usr/bin/python3
"""Differential test of how replies render doubles: the same scores go to a
reference server and to Peregrine, and every rendering is compared byte for
byte.

Usage:
    double_diff.py --peregrine PATH [--redis valkey-server] [--count N]
                   [--seed S]

Redis 7.2 and later (and Valkey) render a double with Grisu2 (nearly always
the shortest digits that read back as the same double, now and then one
more), integral values up to 2^62 as integers, and their own switch between
plain and scientific notation; a skiplist set's ZSCAN still prints "%.17g".
Redis before 7.2 printed "%.17g" everywhere: against such a reference
Peregrine runs with --legacy-double-replies yes (the harness's parity
options), and that form is compared instead.

The scores: random bit patterns (every finite double is a valid score),
random decimals of 1-17 digits with exponents near zero and far out, values
around 2^52, 2^53, 2^62 and 2^63 (the integer path's edges), and fixed hard
cases (1e23, 5e-324, the largest double, 0.1).  Each batch of 500 is sent
as one ZADD and read back with ZRANGE WITHSCORES (RESP2 and RESP3), ZSCAN
(listpack and skiplist sets) and ZINCRBY.  Exit status: 0 when everything
matched, 1 otherwise, 2 when a server could not be started.
"""
from __future__ import annotations

import argparse
import os
import random
import struct
import sys
from typing import List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402

HARD = [0.1, 1e23, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 1e-7, 1e21,
        1e22, 123456.7, 9007199254740993.0, 4611686018427387904.0, 1e17, 0.3, 2.5]


def draw(r: random.Random) -> float:
    x = r.random()
    if x < 0.4:
        while True:
            d = struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0]
            if d == d and abs(d) != float("inf"):
                return d
    if x < 0.75:
        digits = r.randint(1, 17)
        exp = r.randint(-30, 30) if r.random() < 0.8 else r.randint(-330, 300)
        return float(f"{r.randint(1, 10 ** digits - 1)}e{exp}") * r.choice([1, -1])
    if x < 0.9:
        return float(2 ** r.choice([52, 53, 62, 63]) + r.randint(-5000, 5000)) * r.choice([1, -1])
    return r.choice(HARD) * r.choice([1, -1, 10, 0.1, 3])


def lines(reply: bytes) -> List[bytes]:
    return reply.split(b"\r\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peregrine", required=True)
    ap.add_argument("--redis", default="valkey-server")
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    opts = ap.parse_args()
    try:
        ref = harness.Server(opts.redis).start()
    except (RuntimeError, FileNotFoundError) as e:
        print(f"cannot start {opts.redis}: {e}")
        return 2
    try:
        ours = harness.Server(opts.peregrine, harness.parity_args(opts.redis)).start()
    except (RuntimeError, FileNotFoundError) as e:
        ref.stop()
        print(f"cannot start {opts.peregrine}: {e}")
        return 2
    r = random.Random(opts.seed)
    diffs = 0
    compared = 0
    try:
        sides = [(ref.client(), ref.client()), (ours.client(), ours.client())]
        for c2, c3 in sides:
            c3.call("HELLO", "3")
        for batch in range(max(1, opts.count // 500)):
            scores = [draw(r) for _ in range(500)]
            zadd = ["ZADD", "big"]
            for i, s in enumerate(scores):
                zadd += [repr(s), f"m{i}"]
            small = ["ZADD", "small"]
            for i, s in enumerate(scores[:50]):
                small += [repr(s), f"m{i}"]
            replies = []
            for c2, c3 in sides:
                got = []
                c2.call("DEL", "big", "small")
                c2.call(*zadd)
                c2.call(*small)
                got.append(c2.call("ZRANGE", "big", "0", "-1", "WITHSCORES"))
                got.append(c3.call("ZRANGE", "big", "0", "-1", "WITHSCORES"))
                got.append(c2.call("ZRANGE", "small", "0", "-1", "WITHSCORES"))
                # One SCAN call returns a whole small listpack set; the
                # skiplist's pages come in table order, which may differ:
                # its member/score pairs are compared sorted.
                got.append(c2.call("ZSCAN", "small", "0", "COUNT", "1000"))
                seen = {}
                cursor = b"0"
                for _ in range(1000):
                    cursor, items = harness.decode(c2.call("ZSCAN", "big", cursor, "COUNT", "100"))
                    for member, score in zip(items[::2], items[1::2]):
                        seen[member] = score
                    if cursor == b"0":
                        break
                got.append(b"\r\n".join(m + b" " + seen[m] for m in sorted(seen)))
                inc = scores[batch % 500]
                got.append(c2.call("ZINCRBY", "small", repr(inc), "m1"))
                got.append(c3.call("ZINCRBY", "small", repr(-inc / 3), "m2"))
                replies.append(got)
            for what, a, b in zip(["RESP2 ZRANGE", "RESP3 ZRANGE", "listpack ZRANGE",
                                   "listpack ZSCAN", "skiplist ZSCAN", "ZINCRBY", "RESP3 ZINCRBY"],
                                  replies[0], replies[1]):
                compared += 1
                if a == b:
                    continue
                diffs += 1
                for x, y in zip(lines(a), lines(b)):
                    if x != y:
                        print(f"batch {batch} {what}: {opts.redis} {x!r}, Peregrine {y!r}")
                        break
                else:
                    print(f"batch {batch} {what}: lengths differ")
            if diffs >= 20:
                break
    finally:
        ref.stop()
        ours.stop()
    print(f"double rendering: {compared} replies of {opts.count} scores against "
          f"{opts.redis}, {diffs} difference(s)")
    return 0 if diffs == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
