#!/usr/bin/env python3
"""What a member TTL costs: loads the same N members into sets (or hash
fields into hashes) of --per-key members, once plain and once with a TTL on
every member (SPEXPIRE / HPEXPIRE, far in the future), into one Peregrine,
and reports used_memory growth per member for each and the difference.
redis-server 7.0 has neither feature, so there is no side-by-side figure.

    /usr/bin/python3 tests/bench/member_ttl_memory.py [--members 1000000]
        [--per-key 1000] [--kind set|hash] [--peregrine build/peregrine-server]
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402


def load(c, kind: str, prefix: str, members: int, per_key: int, ttl: bool) -> None:
    batch = 500
    for k in range(members // per_key):
        key = "%s:%06d" % (prefix, k)
        for start in range(0, per_key, batch):
            names = [b"member:%08d" % i for i in range(start, min(start + batch, per_key))]
            if kind == "set":
                c.call("SADD", key, *names)
                if ttl:
                    c.call("SPEXPIRE", key, "100000000", "MEMBERS", str(len(names)), *names)
            else:
                args = []
                for n in names:
                    args += [n, b"v"]
                c.call("HSET", key, *args)
                if ttl:
                    c.call("HPEXPIRE", key, "100000000", "FIELDS", str(len(names)), *names)


def used_memory(c) -> int:
    info = c.call("INFO", "memory").decode()
    for line in info.split("\r\n"):
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    raise RuntimeError("no used_memory in INFO")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--per-key", type=int, default=1000)
    ap.add_argument("--kind", choices=["set", "hash"], default="set")
    ap.add_argument("--peregrine", default=harness.default_peregrine_bin())
    a = ap.parse_args()
    with harness.Server(a.peregrine) as server:
        c = server.client(timeout=120)
        start = used_memory(c)
        load(c, a.kind, "plain", a.members, a.per_key, ttl=False)
        plain = used_memory(c)
        load(c, a.kind, "ttl", a.members, a.per_key, ttl=True)
        with_ttl = used_memory(c)
        c.close()
    n = a.members
    p = (plain - start) / n
    t = (with_ttl - plain) / n
    print("kind=%s members=%d per_key=%d" % (a.kind, n, a.per_key))
    print("bytes per member: plain %.1f, with a TTL %.1f, the TTL costs %.1f" % (p, t, t - p))


if __name__ == "__main__":
    main()
