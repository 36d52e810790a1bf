#!/usr/bin/python3
"""Random differential test: seeded command streams against redis-server and
Peregrine, replies compared byte for byte.

Usage:
    random_diff.py --peregrine PATH [--redis redis-server] [--seeds N]
                   [--first-seed S] [--commands N] [--max-diffs N]
                   [--families lists,hashes,sets,zsets,sort,keys,tx,block,bulk,
                              expire,db,config[,listenc]] [--verbose]
                   [--dump DIR]

Each seed draws its own settings (RESP2 or RESP3, small or default encoding
limits, list compression) and then a stream over a few keys of every type:
lists, hashes, sets (integers and strings), sorted sets (one pair of keys
holds equal scores only, for the lex ranges), a string, and keys that do
not exist.  The families of the stream:

* lists, hashes, sets, zsets, sort, keys: one command each, with valid and
  invalid arguments (negative, huge and non-numeric counts and indexes,
  unknown options, wrong types, empty and binary strings, values past the
  compact encodings' limits), now and then truncated, lengthened or
  lower-cased;
* tx: MULTI, one to four commands, EXEC (or DISCARD);
* block: one to three more connections block on lists or sorted sets,
  connection 0 writes (pushes, moves, stores, RENAME, COPY, a MULTI, a
  type change), unblocks whoever still waits, and every reply is read;
* bulk: a collection of 50 to 700 elements in one command;
* expire: TTLs that do not depend on the clock (absolute deadlines, read
  back with EXPIRETIME), with the writes that keep or drop them around;
* db: MOVE and COPY ... DB to database 1, and looks from there;
* config: a set, hash or sorted-set listpack/intset limit changed
  mid-stream;
* listenc (only when named): lists kept near list-max-listpack-size with
  elements whose listpack sizes differ (integers of every width, strings
  of 1 to 300 bytes), pushed, inserted, set, removed, trimmed, moved and
  stored by SORT, each change followed by OBJECT ENCODING: where Redis
  turns a listpack into a quicklist and back, and how its quicklist nodes
  are cut, split and merged on the way.

Every command goes to both servers; the replies must be equal:

* exactly, for most commands;
* as multisets, where Redis's order comes from its hash tables (SMEMBERS,
  SINTER/SUNION/SDIFF, HKEYS/HVALS/HGETALL, KEYS, SPOP) and for full
  SCAN-family iterations (their cursors differ);
* in shape only (type and length) for the random picks (SRANDMEMBER,
  HRANDFIELD, ZRANDMEMBER); SPOP only runs with a count that empties the
  set, so both sides stay equal.

SORT uses weights and hash fields that are distinct for every element (equal
sort keys are ordered differently by the two servers, which Redis leaves
unspecified), and no BY nosort over sets.  Where the reference (Redis 7.0)
and Redis 7.2, which Peregrine follows, differ, the generator stays out of
the way (see KEEP_SHAPE, Gen.sets, Gen.blocking and Gen.signed_index).

A difference prints the seed, the step, the command and both replies; with
--verbose the stream is minimized to the commands that still cause it
(--dump writes them as a case file for run_diff.py).  The databases are then
flushed and the stream goes on, up to --max-diffs differences.  Exit status:
0 when nothing differed, 1 otherwise, 2 when a server could not be started.
A one-line reproduction of a failing seed:
    random_diff.py --peregrine build/peregrine-server --seeds 1 --first-seed S --verbose
"""

from __future__ import annotations

import argparse
import os
import random
import select
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import harness  # noqa: E402

SHOW_BYTES = 300
HISTORY = 25

# ---------------------------------------------------------------------------
# Keys and values
# ---------------------------------------------------------------------------

LISTS = ["l:0", "l:1", "l:2"]
HASHES = ["h:0", "h:1", "h:2"]
SETS = ["s:0", "s:1", "s:2", "s:3"]
ZSETS = ["z:0", "z:1", "z:2"]
LEXZ = ["zl:0", "zl:1"]           # every score 0: lex ranges are specified
STRING = "k:str"
MISSING = "nokey"
# Any-type picks (wrong types, missing keys) leave out the lex keys, which
# must keep equal scores: with mixed scores Redis's lex ranges over a
# skiplist depend on its random node levels.
ALL_KEYS = LISTS + HASHES + SETS + ZSETS + [STRING, MISSING]

INTS = [str(i) for i in range(-3, 21)] + ["9223372036854775807", "-9223372036854775808"]
WORDS = ["a", "b", "c", "d", "e", "f", "g", "h", "aa", "ab", "ba", "bb",
         "x1", "x2", "zz", "", "A", "B", "\xff", "\u00e9t\u00e9", "a b"]
# Strings with NUL bytes: hash values and fields, and the lex sets' members.
# Not in lists, sets or sorted sets that SORT may read: without STORE,
# Redis's SORT ALPHA compares C strings, so "a\0b" ties with "a", and
# Redis orders ties arbitrarily.
BINARY = ["\x00", "a\x00b", "\x00\xff"]
LEX_MEMBERS = WORDS[:14] + BINARY
FLOATS = ["3.5", "-0.5", "1e3", "0.1", "2.25"]
LONG = ["L" * 70, "M" * 100]       # past the compact limits
FIELDS = ["f1", "f2", "f3", "f4", "f5", "f6", "n1", "n2", "fl", "", "f\x00"]

# Elements of the big collections the "bulk" family writes (past the
# default listpack and intset limits): integers, and strings.
BULK = [str(1000 + i) for i in range(1000)] + [f"b{i:03d}" for i in range(1000)]

# Every element SORT can meet gets a distinct weight and hash field.
# That includes what the argument mutations can turn into elements: the
# tokens they append, and lower-cased words.
_TOKENS = ["x", "WITHSCORES", "LIMIT", "COUNT"]
SORTABLE = INTS + WORDS + FLOATS + LONG + BULK + _TOKENS
SORTABLE += sorted({e.lower() for e in SORTABLE if e.isalpha()} - set(SORTABLE))


class Gen:
    """Draws commands for one seed."""

    def __init__(self, rng: random.Random, modern: bool = False):
        self.r = rng
        # The reference is Redis 7.2 or later (valkey-server 8 included),
        # whose semantics Peregrine follows: the cautions for 7.0 are off.
        self.modern = modern

    # -- small draws -------------------------------------------------------
    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def key(self, own: List[str]) -> str:
        """A key of the command's own type, now and then any key (wrong
        types, missing keys)."""
        return self.pick(own) if self.chance(0.9) else self.pick(ALL_KEYS)

    def element(self) -> str:
        x = self.r.random()
        if x < 0.45:
            return self.pick(INTS[:-2])
        if x < 0.85:
            return self.pick(WORDS)
        if x < 0.95:
            return self.pick(FLOATS)
        return self.pick(LONG + INTS[-2:])

    def value(self) -> str:
        """A hash value: an element, or a string with NUL bytes."""
        return self.pick(BINARY) if self.chance(0.1) else self.element()

    def elements(self, lo: int = 1, hi: int = 5) -> List[str]:
        return [self.element() for _ in range(self.r.randint(lo, hi))]

    def count(self) -> str:
        x = self.r.random()
        if x < 0.7:
            return str(self.r.randint(0, 6))
        if x < 0.8:
            return str(self.r.randint(-4, -1))
        if x < 0.9:
            return self.pick(["100", "9223372036854775807", "-9223372036854775808",
                              "4294967296"])
        return self.pick(["x", "1.5", "", "+3", " 2", "0x10"])

    def index(self) -> str:
        x = self.r.random()
        if x < 0.85:
            return str(self.r.randint(-8, 8))
        if x < 0.95:
            return self.pick(["100", "-100", "9223372036854775807", "-9223372036854775808"])
        return self.pick(["x", "1.0", ""])

    def signed_index(self) -> str:
        """An index for a count or rank whose sign says a direction (LPOS's
        RANK, LREM's count). Redis 7.2 and 8.0 refuse -2^63; 7.0 negates it
        (an overflow), so against 7.0 it becomes -(2^63-1)."""
        value = self.index()
        if value == "-9223372036854775808" and not self.modern:
            return "-9223372036854775807"
        return value

    def range_limit(self) -> List[str]:
        """LIMIT offset count of a score or lex range. Redis 7.2+ reads a
        negative offset on a skiplist as counted from the range's far end,
        7.0 finds nothing: against 7.0 offsets are not negative."""
        offset = self.index()
        if not self.modern and offset.startswith("-"):
            offset = offset[1:]
        return [offset, self.index()]

    def score(self) -> str:
        x = self.r.random()
        if x < 0.6:
            return str(self.r.randint(-3, 10))
        if x < 0.85:
            return self.pick(["1.5", "-2.5", "0.1", "1e2", "2.0", "-0", "3.0000000000000001"])
        if x < 0.95:
            return self.pick(["inf", "-inf", "+inf", "INF"])
        # (Not "1e400": Redis's failed strtod leaves errno at ERANGE, and a
        # later numeric SORT, which tests errno without clearing it, then
        # fails on valid numbers.)
        return self.pick(["nan", "x", ""])

    def score_bound(self) -> str:
        x = self.r.random()
        if x < 0.5:
            return str(self.r.randint(-3, 10))
        if x < 0.7:
            return "(" + str(self.r.randint(-3, 10))
        if x < 0.9:
            return self.pick(["-inf", "+inf", "inf", "(1.5", "2.5"])
        return self.pick(["x", "((1", "", "nan", "[1"])

    def lex_bound(self) -> str:
        x = self.r.random()
        if x < 0.8:
            return self.pick(["[", "("]) + self.pick(LEX_MEMBERS)
        if x < 0.95:
            return self.pick(["-", "+"])
        return self.pick(["a", "", "[", "*"])

    def numkeys(self, keys: List[str], lo: int = 1, hi: int = 3) -> List[str]:
        ks = [self.key(keys) for _ in range(self.r.randint(lo, hi))]
        n = str(len(ks))
        if self.chance(0.05):
            n = self.pick(["0", "-1", "x", str(len(ks) + 2)])
        return [n] + ks

    # -- families ------------------------------------------------------------
    def lists(self) -> List[str]:
        k = self.key(LISTS)
        c = self.r.randint(0, 21)
        if c == 0:
            return [self.pick(["LPUSH", "RPUSH"]), k] + self.elements(1, 6)
        if c == 1:
            return [self.pick(["LPUSHX", "RPUSHX"]), k] + self.elements(1, 3)
        if c == 2:
            return [self.pick(["LPOP", "RPOP"]), k] + ([self.count()] if self.chance(0.5) else [])
        if c == 3:
            return ["LLEN", k]
        if c in (4, 5):
            return ["LRANGE", k, self.index(), self.index()]
        if c == 6:
            return ["LINDEX", k, self.index()]
        if c == 7:
            index = self.index()
            # valkey-server 8.0 narrows LSET's index to 32 bits (4294967296
            # sets element 0; fixed in Redis by PR #15407): out of range.
            if self.modern and index.lstrip("-").isdigit() and abs(int(index)) >= 2 ** 31:
                index = "100"
            return ["LSET", k, index, self.element()]
        if c == 8:
            where = self.pick(["BEFORE", "AFTER", "before", "MIDDLE"])
            return ["LINSERT", k, where, self.element(), self.element()]
        if c == 9:
            return ["LREM", k, self.signed_index(), self.element()]
        if c == 10:
            return ["LTRIM", k, self.index(), self.index()]
        if c in (11, 12):
            args = ["LPOS", k, self.element()]
            for opt in self.r.sample(["RANK", "COUNT", "MAXLEN"], self.r.randint(0, 3)):
                args += [opt, self.signed_index() if opt == "RANK" else self.count()]
            if self.chance(0.03):
                args.append("BOGUS")
            return args
        if c == 13:
            return ["LMOVE", k, self.key(LISTS), self.pick(["LEFT", "RIGHT"]),
                    self.pick(["LEFT", "RIGHT", "UP"] if self.chance(0.1) else ["LEFT", "RIGHT"])]
        if c == 14:
            return ["RPOPLPUSH", k, self.key(LISTS)]
        if c == 15:
            args = ["LMPOP"] + self.numkeys(LISTS) + [self.pick(["LEFT", "RIGHT", "left"])]
            if self.chance(0.5):
                args += ["COUNT", self.count()]
            return args
        if c == 16:
            # Blocking forms on keys that may be empty: a short timeout.
            cmd = self.pick(["BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP"])
            t = self.pick(["0.01", "0.02"]) if self.chance(0.9) else self.pick(["-1", "x"])
            if cmd in ("BLPOP", "BRPOP"):
                return [cmd] + [self.key(LISTS) for _ in range(self.r.randint(1, 2))] + [t]
            if cmd == "BLMOVE":
                return [cmd, k, self.key(LISTS), self.pick(["LEFT", "RIGHT"]),
                        self.pick(["LEFT", "RIGHT"]), t]
            if cmd == "BRPOPLPUSH":
                return [cmd, k, self.key(LISTS), t]
            return [cmd, t] + self.numkeys(LISTS) + [self.pick(["LEFT", "RIGHT"]), "COUNT",
                                                     str(self.r.randint(1, 4))]
        if c == 17:
            return self.pick([["LPUSH", k], ["LRANGE", k, "0"], ["LINDEX", k],
                              ["LPOS", k], ["LSET", k, "0"]])
        return ["LRANGE", k, "0", "-1"]

    def enc_element(self) -> str:
        """An element whose listpack entry size varies: integers of every
        encoding width, non-canonical numbers, strings of 1 to 300 bytes,
        now and then one of 2 to 16 KB."""
        x = self.r.random()
        if x < 0.4:
            return str(self.r.choice([self.r.randint(0, 127), self.r.randint(-4096, 4095),
                                      self.r.randint(-40000, 40000),
                                      self.r.randint(-9000000, 9000000),
                                      self.r.randint(-2 ** 31, 2 ** 31 - 1),
                                      self.r.randint(-2 ** 63, 2 ** 63 - 1)]))
        if x < 0.45:
            return self.pick(["01", "-0", "+5", " 7", "1e3", "9223372036854775808"])
        if x < 0.48:  # large: a node of its own past a 4/8 KB limit
            return "s" * self.r.choice([2100, 4097, 8193, 9000, 16385])
        return "s" * self.r.choice([1, 5, 20, 60, 63, 64, 100, 126, 127, 200, 300])

    def listenc(self) -> List[str]:
        k = self.pick(LISTS[:2])
        c = self.r.randint(0, 13)
        if c in (0, 1, 2):
            return [self.pick(["LPUSH", "RPUSH"]), k] + \
                [self.enc_element() for _ in range(self.r.randint(1, 12))]
        if c == 3:
            return ["LINSERT", k, self.pick(["BEFORE", "AFTER"]),
                    self.pick(["0", "1", "5", "-1", "s", "sssss", "100"]), self.enc_element()]
        if c == 4:
            return ["LSET", k, str(self.r.randint(-30, 30)), self.enc_element()]
        if c == 5:
            return ["LREM", k, str(self.r.randint(-3, 3)),
                    self.pick(["0", "1", "5", "s", "sssss", "-1"])]
        if c == 6:
            return ["LTRIM", k, str(self.r.randint(-40, 10)), str(self.r.randint(-10, 60))]
        if c == 7:
            return [self.pick(["LPOP", "RPOP"]), k] + \
                ([str(self.r.randint(1, 15))] if self.chance(0.5) else [])
        if c == 8:
            return ["LMOVE", k, self.pick(LISTS[:2]), self.pick(["LEFT", "RIGHT"]),
                    self.pick(["LEFT", "RIGHT"])]
        if c == 9:
            return ["LMPOP", "1", k, self.pick(["LEFT", "RIGHT"]), "COUNT",
                    str(self.r.randint(1, 20))]
        if c == 10:
            return ["SORT", k, "BY", "nosort", "STORE", self.pick(LISTS[:2] + ["l:2"])]
        if c == 11:
            return ["LRANGE", k, "0", "-1"]
        return ["OBJECT", "ENCODING", self.pick(LISTS)]

    def hashes(self) -> List[str]:
        k = self.key(HASHES)
        f = self.pick(FIELDS)
        c = self.r.randint(0, 19)
        if c in (0, 1):
            args = [self.pick(["HSET", "HMSET"]), k]
            for _ in range(self.r.randint(1, 4)):
                args += [self.pick(FIELDS), self.value()]
            if self.chance(0.03):
                args.append("dangling")
            if self.chance(0.02):
                args += [self.pick(LONG), "v"]
            return args
        if c == 2:
            return ["HSETNX", k, f, self.value()]
        if c == 3:
            return ["HGET", k, f]
        if c == 4:
            return ["HMGET", k] + [self.pick(FIELDS) for _ in range(self.r.randint(1, 4))]
        if c == 5:
            return ["HDEL", k] + [self.pick(FIELDS) for _ in range(self.r.randint(1, 3))]
        if c == 6:
            return ["HLEN", k]
        if c == 7:
            return ["HEXISTS", k, f]
        if c == 8:
            return [self.pick(["HKEYS", "HVALS", "HGETALL"]), k]
        if c == 9:
            inc = self.pick(["1", "-2", "10", "x", "9223372036854775807", "-9223372036854775808",
                             "1.5", ""])
            return ["HINCRBY", k, self.pick(["n1", "n2", "f1"]), inc]
        if c == 10:
            inc = self.pick(["1.5", "-0.25", "1e3", "x", "inf", "-inf", "nan", "10", "5.0e1",
                             "1e308"])
            return ["HINCRBYFLOAT", k, self.pick(["fl", "n1", "f1"]), inc]
        if c == 11:
            return ["HSTRLEN", k, f]
        if c == 12:
            args = ["HRANDFIELD", k]
            if self.chance(0.7):
                args.append(self.count())
                if self.chance(0.5):
                    args.append(self.pick(["WITHVALUES", "withvalues", "WITHSCORES"]))
            return args
        if c == 13:
            # NOVALUES (7.4) only against a reference that has it.
            return ["HSCAN", k] + (["NOVALUES"] if self.modern and self.chance(0.4) else [])
        if c == 14:
            return self.pick([["HSET", k], ["HSET", k, f], ["HGET", k], ["HINCRBY", k, f],
                              ["HDEL", k], ["HSETNX", k, f]])
        return ["HGETALL", k]

    def sets(self) -> List[str]:
        k = self.key(SETS)
        c = self.r.randint(0, 20)
        if c in (0, 1, 2):
            ints_only = k in ("s:0", "s:1") and self.chance(0.9)
            members = ([self.pick(INTS) for _ in range(self.r.randint(1, 6))] if ints_only
                       else self.elements(1, 6))
            # Distinct members against 7.0: Redis 7.2 sizes a new set by
            # SADD's argument count (Peregrine does too), 7.0 by the members
            # it adds, which differ in encoding when repeats straddle
            # set-max-intset-entries.
            return ["SADD", k] + (members if self.modern else list(dict.fromkeys(members)))
        if c == 3:
            return ["SREM", k] + self.elements(1, 3)
        if c == 4:
            return ["SCARD", k]
        if c == 5:
            return ["SISMEMBER", k, self.element()]
        if c == 6:
            return ["SMISMEMBER", k] + self.elements(1, 4)
        if c == 7:
            return ["SMEMBERS", k]
        if c == 8:
            return ["SRANDMEMBER", k] + ([self.count()] if self.chance(0.7) else [])
        if c == 9:
            return ["SPOP", k, self.pick(["10000", "100000"])] if self.chance(0.8) else \
                ["SPOP", k, self.pick(["-1", "x", "0"])]
        if c == 10:
            return ["SMOVE", k, self.key(SETS), self.element()]
        if c in (11, 12):
            return [self.pick(["SINTER", "SUNION", "SDIFF"])] + \
                [self.key(SETS) for _ in range(self.r.randint(1, 3))]
        if c == 13:
            args = ["SINTERCARD"] + self.numkeys(SETS)
            if self.chance(0.5):
                args += ["LIMIT", self.count()]
            return args
        if c == 14:
            return [self.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), self.key(SETS)] + \
                [self.key(SETS) for _ in range(self.r.randint(1, 3))]
        if c == 15:
            return ["SSCAN", k]
        if c == 16:
            return self.pick([["SADD", k], ["SREM", k], ["SMOVE", k, k], ["SINTERCARD", "1"],
                              ["SISMEMBER", k]])
        return ["SMEMBERS", k]

    def zadd_args(self, k: str) -> List[str]:
        args = ["ZADD", k]
        for opt in ("NX", "XX", "GT", "LT", "CH", "INCR"):
            if self.chance(0.12):
                args.append(opt)
        lex = k in LEXZ
        for _ in range(self.r.randint(1, 1 if "INCR" in args else 4)):
            args += ["0" if lex else self.score(), self.pick(LEX_MEMBERS) if lex else self.element()]
        if self.chance(0.03):
            args.append("dangling")
        return args

    def zsets(self) -> List[str]:
        k = self.key(ZSETS)
        c = self.r.randint(0, 31)
        if c in (0, 1, 2):
            return self.zadd_args(k)
        if c == 3:
            return ["ZINCRBY", k, self.score(), self.element()]
        if c == 4:
            return ["ZREM", k] + self.elements(1, 3)
        if c == 5:
            return ["ZCARD", k]
        if c == 6:
            return ["ZSCORE", k, self.element()]
        if c == 7:
            return ["ZMSCORE", k] + self.elements(1, 3)
        if c == 8:
            return [self.pick(["ZRANK", "ZREVRANK"]), k, self.element()]
        if c == 9:
            return ["ZCOUNT", k, self.score_bound(), self.score_bound()]
        if c in (10, 11, 12):
            args = ["ZRANGE", k]
            mode = self.r.randint(0, 2)
            if mode == 0:
                args += [self.index(), self.index()]
            elif mode == 1:
                args += [self.score_bound(), self.score_bound(), "BYSCORE"]
            else:
                return self.lexes()
            if self.chance(0.4):
                args.append("REV")
            if self.chance(0.3):
                args += ["LIMIT"] + (self.range_limit() if mode == 1 else
                                     [self.index(), self.index()])
            if self.chance(0.5):
                args.append("WITHSCORES")
            return args
        if c == 13:
            args = [self.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), k, self.score_bound(),
                    self.score_bound()]
            if self.chance(0.5):
                args.append("WITHSCORES")
            if self.chance(0.3):
                args += ["LIMIT"] + self.range_limit()
            return args
        if c == 14:
            args = ["ZREVRANGE", k, self.index(), self.index()]
            if self.chance(0.5):
                args.append("WITHSCORES")
            return args
        if c in (15, 16):
            return self.lexes()
        if c == 17:
            return ["ZREMRANGEBYRANK", k, self.index(), self.index()]
        if c == 18:
            return ["ZREMRANGEBYSCORE", k, self.score_bound(), self.score_bound()]
        if c == 19:
            return [self.pick(["ZPOPMIN", "ZPOPMAX"]), k] + ([self.count()] if self.chance(0.6)
                                                             else [])
        if c == 20:
            args = ["ZMPOP"] + self.numkeys(ZSETS) + [self.pick(["MIN", "MAX", "min"])]
            if self.chance(0.5):
                args += ["COUNT", self.count()]
            return args
        if c == 21:
            args = ["ZRANDMEMBER", k]
            if self.chance(0.7):
                args.append(self.count())
                if self.chance(0.5):
                    args.append("WITHSCORES")
            return args
        if c in (22, 23, 24):
            return self.zsetop()
        if c == 25:
            args = ["ZINTERCARD"] + self.numkeys(ZSETS + SETS[:2])
            if self.chance(0.5):
                args += ["LIMIT", self.count()]
            return args
        if c == 26:
            args = ["ZRANGESTORE", self.key(ZSETS), k]
            if self.chance(0.5):
                args += [self.index(), self.index()]
            else:
                args += [self.score_bound(), self.score_bound(), "BYSCORE"]
                if self.chance(0.3):
                    args.append("REV")
            if self.chance(0.3):
                args += ["LIMIT"] + (self.range_limit() if args[-1] in ("BYSCORE", "REV")
                                     else [self.index(), self.index()])
            return args
        if c == 27:
            return ["ZSCAN", k] + (["NOSCORES"] if self.modern and self.chance(0.4) else [])
        if c == 28:
            cmd = self.pick(["BZPOPMIN", "BZPOPMAX", "BZMPOP"])
            t = self.pick(["0.01", "0.02"])
            if cmd == "BZMPOP":
                return [cmd, t] + self.numkeys(ZSETS) + [self.pick(["MIN", "MAX"]), "COUNT",
                                                         str(self.r.randint(1, 4))]
            return [cmd] + [self.key(ZSETS) for _ in range(self.r.randint(1, 2))] + [t]
        if c == 29:
            return self.pick([["ZADD", k], ["ZADD", k, "1"], ["ZADD", k, "NX", "XX", "1", "a"],
                              ["ZADD", k, "GT", "LT", "1", "a"], ["ZADD", k, "GT", "NX", "1", "a"],
                              ["ZADD", k, "INCR", "1", "a", "2", "b"], ["ZRANGE", k, "0"],
                              ["ZINCRBY", k, "1"], ["ZSCORE", k]])
        return ["ZRANGE", k, "0", "-1", "WITHSCORES"]

    def lexes(self) -> List[str]:
        # Only the lex keys: any other key may hold a sorted set with mixed
        # scores by now (ZADD and the STOREs write to any key now and then).
        k = self.pick(LEXZ)
        c = self.r.randint(0, 5)
        if c == 0:
            return self.zadd_args(k)
        if c == 1:
            return ["ZLEXCOUNT", k, self.lex_bound(), self.lex_bound()]
        if c == 2:
            return ["ZREMRANGEBYLEX", k, self.lex_bound(), self.lex_bound()]
        cmd = self.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZRANGE"])
        args = [cmd, k, self.lex_bound(), self.lex_bound()]
        if cmd == "ZRANGE":
            args.append("BYLEX")
            if self.chance(0.4):
                args.append("REV")
        if self.chance(0.3):
            args += ["LIMIT"] + self.range_limit()
        return args

    def zsetop(self) -> List[str]:
        cmd = self.pick(["ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE",
                         "ZDIFFSTORE"])
        args = [cmd]
        if cmd.endswith("STORE"):
            args.append(self.key(ZSETS))
        inputs = self.numkeys(ZSETS + SETS[:2])
        args += inputs
        n = len(inputs) - 1
        if not cmd.startswith("ZDIFF"):
            if self.chance(0.4):
                args += ["WEIGHTS"] + [self.pick(["1", "2", "-1", "0", "0.5", "inf", "x"])
                                       for _ in range(n if self.chance(0.95) else n + 1)]
            if self.chance(0.4):
                args += ["AGGREGATE", self.pick(["SUM", "MIN", "MAX", "sum", "AVG"])]
        if not cmd.endswith("STORE") and self.chance(0.5):
            args.append("WITHSCORES")
        return args

    def sort(self) -> List[str]:
        k = self.pick(LISTS + SETS + ZSETS + [STRING, MISSING])
        args = [self.pick(["SORT", "SORT_RO"]), k]
        by = self.chance(0.3)
        if by:
            args += ["BY", self.pick(["w:*", "hw:*->f"])]
        if self.chance(0.3):
            args += ["LIMIT", self.index(), self.index()]
        # A stored result holds only elements (GET #), which all have
        # weights: a later SORT BY of that list has no ties.
        store = args[0] == "SORT" and self.chance(0.2)
        for _ in range(self.r.randint(0, 2)):
            args += ["GET", "#" if store else
                     self.pick(["#", "w:*", "hw:*->f", "hw:*->g", "nosuch:*"])]
        if self.chance(0.5):
            args.append(self.pick(["ASC", "DESC"]))
        if self.chance(0.5) or (not by and k not in LISTS):
            args.append("ALPHA")
        if store:
            args += ["STORE", self.pick(LISTS)]
        if self.chance(0.02):
            args.append("BOGUS")
        return args

    def mutate(self, args: List[str]) -> List[str]:
        """Now and then: a truncated or lengthened command (arity and syntax
        errors), names and options in other letter cases."""
        x = self.r.random()
        if args[0] in KEEP_SHAPE and (args[0] == "SPOP" or not self.modern):
            return args
        if x < 0.04 and len(args) > 1:
            args = args[:-self.r.randint(1, min(2, len(args) - 1))]
        elif x < 0.07 and args[0] not in BLOCKING:
            # (Not after a blocking command's timeout: a trailing 0 would
            # become a timeout that never ends.)
            args = args + [self.pick(_TOKENS + ["0", ""])]
        if self.chance(0.15):
            args = [a.lower() if a.isalpha() and self.chance(0.5) else a for a in args]
        # Valkey refuses an empty SCAN cursor; Redis (7.0 and 8) reads it as
        # 0, and so does Peregrine.
        if self.modern and args[0].upper() in SCANS and len(args) > 2 and args[2] == "":
            args = args[:2] + ["0"] + args[3:]
        return args

    def bulk(self) -> List[str]:
        """One command that fills a collection with 50 to 700 elements, past
        the default compact limits (128 and 512) now and then."""
        n = self.r.randint(50, 700)
        fam = self.r.randint(0, 3)
        if fam == 0:
            return [self.pick(["RPUSH", "LPUSH"]), self.pick(LISTS)] + \
                [self.pick(BULK) for _ in range(n)]
        if fam == 1:
            pool = BULK[:1000] if self.chance(0.5) else BULK
            return ["SADD", self.pick(SETS)] + self.r.sample(pool, n)
        if fam == 2:
            args = ["ZADD", self.pick(ZSETS)]
            for m in self.r.sample(BULK, n):
                args += [str(self.r.randint(-50, 50)) if self.chance(0.8) else self.score(), m]
            return args
        args = ["HSET", self.pick(HASHES)]
        for f in self.r.sample(BULK, n):
            args += [f, self.value()]
        return args

    def transaction(self, inner: List[Callable[[], List[str]]]) -> List[List[str]]:
        """MULTI, one to four commands whose replies compare exactly, then
        EXEC (now and then DISCARD). A queued command with the wrong arity
        aborts the EXEC, as in Redis."""
        cmds = [["MULTI"]]
        while len(cmds) < self.r.randint(2, 5):
            args = self.pick(inner)()
            name = args[0].upper()
            if name in UNORDERED or name in PAIRS or name in SHAPE or name in SCANS:
                continue
            cmds.append(args)
        cmds.append(["DISCARD"] if self.chance(0.1) else ["EXEC"])
        return cmds

    def blocking(self) -> List[List[str]]:
        """One to three connections block on lists or sorted sets (timeout 5
        s), connection 0 runs writes that may serve them (pushes, moves,
        stores, a MULTI), then unblocks whoever still waits and every
        blocked reply is read."""
        # When a key a client waits on is served, Redis 7.0 serves the
        # client from that key, while 7.2 and Peregrine run its command
        # again, which looks at its keys in order. A client blocked on
        # several keys sees the difference when an earlier key has become
        # another type (SET, or a COPY or RENAME of a key that holds one)
        # or has received elements too (a BLMOVE of another waiter pushing
        # to it): against 7.0 every client waits on one key.
        lkeys, zkeys = ["l:0", "l:1", "nokey:l"], ["z:0", "z:1", "nokey:z"]
        waiters = list(range(2, 2 + self.r.randint(1, 3)))
        multi_ok = self.modern
        ops: List[List[str]] = []
        for n in waiters:
            c = self.r.randint(0, 7)
            lk = [self.pick(lkeys)] if not multi_ok or self.chance(0.5) else \
                [self.pick(lkeys) for _ in range(2)]
            zk = [self.pick(zkeys) for _ in range(self.r.randint(1, 2 if multi_ok else 1))]
            side = self.pick(["LEFT", "RIGHT"])
            cmd = [["BLPOP"] + lk + ["5"], ["BRPOP"] + lk + ["5"],
                   ["BLMOVE", lk[0], self.pick(lkeys), side, self.pick(["LEFT", "RIGHT"]), "5"],
                   ["BRPOPLPUSH", lk[0], self.pick(lkeys), "5"],
                   ["BLMPOP", "5", str(len(lk))] + lk + [side, "COUNT", str(self.r.randint(1, 3))],
                   ["BZPOPMIN"] + zk + ["5"], ["BZPOPMAX"] + zk + ["5"],
                   ["BZMPOP", "5", str(len(zk))] + zk + [self.pick(["MIN", "MAX"]), "COUNT",
                                                         str(self.r.randint(1, 3))]][c]
            ops.append(["@send", str(n)] + cmd)
        for _ in range(self.r.randint(0, 3)):
            lk, zk = self.pick(lkeys), self.pick(zkeys)
            c = self.r.randint(0, 10)
            if c == 0:
                ops.append([self.pick(["LPUSH", "RPUSH"]), lk] + self.elements(1, 3))
            elif c == 1:
                ops.append(["ZADD", zk] + [x for _ in range(self.r.randint(1, 3))
                                           for x in (self.score(), self.element())])
            elif c == 2:
                ops.append(["LMOVE", lk, self.pick(lkeys), "LEFT", self.pick(["LEFT", "RIGHT"])])
            elif c == 3:
                ops += [["MULTI"], ["RPUSH", lk, self.element()], ["DEL", lk],
                        ["RPUSH", lk] + self.elements(1, 2), ["EXEC"]]
            elif c == 4:
                ops.append(["ZUNIONSTORE", zk, "1", self.pick(ZSETS)])
            elif c == 5:
                ops.append(["SORT", self.pick(LISTS), "ALPHA", "STORE", lk])
            elif c == 6:
                ops.append(["DEL", self.pick(lkeys + zkeys)])
            elif c == 7:
                ops.append(["SET", "l:1", "x"])
            elif c == 8:
                ops.append(["RPOPLPUSH", self.pick(LISTS), lk])
            elif c == 9:
                ops.append(self.pick([["RENAME", LISTS[2], lk], ["RENAME", ZSETS[2], zk]]))
            else:
                ops.append(self.pick([["COPY", LISTS[2], lk, "REPLACE"],
                                      ["COPY", ZSETS[2], zk, "REPLACE"]]))
        for n in waiters:
            if self.chance(0.3):
                ops.append(["@unblock", str(n), self.pick(["TIMEOUT", "ERROR", ""])])
        for n in waiters:
            ops.append(["@unblock", str(n), "TIMEOUT"])
        for n in waiters:
            ops.append(["@read", str(n)])
        return ops

    def expire(self) -> List[str]:
        """Key TTLs that do not depend on the clock: absolute deadlines far
        in the future (or in the past: the key goes), read back with
        EXPIRETIME/PEXPIRETIME; relative ones only zero, negative or
        invalid."""
        k = self.pick(ALL_KEYS)
        c = self.r.randint(0, 6)
        if c in (0, 1):
            args = [self.pick(["EXPIREAT", "PEXPIREAT"]), k]
            when = self.pick(["4102444800", "4102444801", "5000000000", "1", "0"])
            if args[0] == "PEXPIREAT" and when not in ("1", "0"):
                when += self.pick(["000", "123"])
            args.append(when if self.chance(0.95) else
                        self.pick(["x", "9223372036854775807", "-9223372036854775808", ""]))
            if self.chance(0.4):
                args.append(self.pick(["NX", "XX", "GT", "LT", "nx", "FOO"]))
            return args
        if c == 2:
            return [self.pick(["EXPIRE", "PEXPIRE"]), k,
                    self.pick(["0", "-5", "x", "9223372036854775807", "-9223372036854775808"])]
        if c == 3:
            return ["PERSIST", k]
        if c == 4:
            return [self.pick(["EXPIRETIME", "PEXPIRETIME"]), k]
        if c == 5:
            return ["SET", STRING, self.element(), "EXAT",
                    self.pick(["4102444800", "4102444802"])] if self.chance(0.5) else \
                ["SET", STRING, self.element(), "KEEPTTL"]
        # (Not TTL or PTTL: they depend on the clock once a key has a TTL,
        # and any key may have one by now.)
        return ["OBJECT", "ENCODING", k]

    def config(self) -> List[str]:
        """A listpack/intset limit changed mid-stream: sets, hashes and
        sorted sets already stored meet it at their next write. (Not the
        list settings: Redis fixes those per list when it creates the list,
        Peregrine applies a change at the list's next write.)"""
        # (Against a 7.2+ reference the set limits stay as settings() put
        # them: see there.)
        name = self.pick(["hash-max-listpack-entries", "hash-max-listpack-value",
                          "zset-max-listpack-entries", "zset-max-listpack-value"] +
                         ([] if self.modern else ["set-max-intset-entries"]))
        return ["CONFIG", "SET", name, str(self.pick([0, 1, 2, 4, 8, 16, 64, 128, 512]))]

    def db(self) -> List[List[str]]:
        """Other databases: MOVE and COPY ... DB there, and a look (or a MOVE
        back) from database 1."""
        fam = self.pick([LISTS, HASHES, SETS, ZSETS])
        k = self.pick(fam)
        c = self.r.randint(0, 2)
        if c == 0:
            return [["MOVE", k, self.pick(["1", "1", "0", "16", "x"])]]
        if c == 1:
            args = ["COPY", k, self.pick(fam), "DB", self.pick(["1", "1", "0", "99"])]
            if self.chance(0.5):
                args.append("REPLACE")
            return [args]
        look = self.pick([["LRANGE", k, "0", "-1"], ["ZRANGE", k, "0", "-1", "WITHSCORES"],
                          ["SCARD", k], ["HLEN", k], ["DBSIZE"], ["EXPIRETIME", k],
                          ["MOVE", k, "0"], ["TYPE", k], ["OBJECT", "ENCODING", k]])
        return [["SELECT", "1"], look, ["SELECT", "0"]]

    def keys(self) -> List[str]:
        c = self.r.randint(0, 9)
        k = self.pick(ALL_KEYS)
        if c == 0:
            return ["DEL"] + [self.pick(ALL_KEYS) for _ in range(self.r.randint(1, 2))]
        if c == 1:
            return ["EXISTS"] + [self.pick(ALL_KEYS) for _ in range(self.r.randint(1, 3))]
        if c == 2:
            return ["TYPE", k]
        if c in (3, 4):
            return ["OBJECT", "ENCODING", k]
        if c == 5:
            # Same-type renames keep the type's keys in their families.
            fam = self.pick([LISTS, HASHES, SETS, ZSETS])
            return [self.pick(["RENAME", "RENAMENX"]), self.pick(fam), self.pick(fam)]
        if c == 6:
            fam = self.pick([LISTS, HASHES, SETS, ZSETS])
            args = ["COPY", self.pick(fam), self.pick(fam)]
            if self.chance(0.5):
                args.append("REPLACE")
            return args
        if c == 7:
            return ["DBSIZE"]
        if c == 8:
            return ["KEYS", self.pick(["*", "l:*", "?:0", "z*", "[hs]:1"])]
        return ["SET", STRING, self.element()]


# Left whole by the mutations: SPOP without its count pops a random member
# (the two servers would then hold different sets), and ZRANK/ZREVRANK with
# one more argument are Redis 7.2's WITHSCORE form, which 7.0 rejects with
# an arity error where 7.2 and Peregrine answer a syntax error.
KEEP_SHAPE = {"SPOP", "ZRANK", "ZREVRANK"}

BLOCKING = {"BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "BZPOPMIN", "BZPOPMAX",
            "BZMPOP"}

# Commands whose reply order comes from hash tables or random picks.
UNORDERED = {"SMEMBERS", "SPOP", "SINTER", "SUNION", "SDIFF", "HKEYS", "HVALS", "KEYS"}
PAIRS = {"HGETALL"}
SHAPE = {"SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER"}
SCANS = {"SSCAN": "set", "HSCAN": "hash", "ZSCAN": "zset"}
# Whole iterations with one option (Redis 7.4's NOVALUES, Valkey 8's NOSCORES).
SCAN_ONLY = {"NOVALUES", "NOSCORES"}


def pairs_canonical(raw: bytes) -> bytes:
    header, elems, is_map = harness.split_aggregate(raw)
    if is_map or len(elems) % 2:
        return harness.canonical_unordered(raw)
    return header + b"".join(sorted(elems[i] + elems[i + 1] for i in range(0, len(elems), 2)))


def shape(raw: bytes) -> bytes:
    if raw[:1] in (b"$", b":", b"+"):
        return raw[:1]            # one random element (or a count)
    return harness.split_aggregate(raw)[0]  # the header: type and length


class Side:
    """One server: connection 0 runs the stream, connections 2-4 the
    blocking commands of the "block" family."""

    def __init__(self, name: str, binary: str, args: Sequence[str], timeout: float):
        self.name = name
        self.timeout = timeout
        self.server = harness.Server(binary, args).start()
        self.client = harness.RespClient(self.server.port, timeout=timeout)
        self.others: Dict[int, harness.RespClient] = {}
        self.ids: Dict[int, str] = {}
        self.resp3 = False
        self.modern = False            # a Redis 7.2+ reference (set by main)
        self.waiting: List[int] = []   # connections whose reply is not read

    def call(self, args: List[str]) -> bytes:
        self.client.send_command(*[a.encode("latin-1") for a in args])
        return self.client.read_reply()

    def pipeline(self, cmds: List[List[str]]) -> List[bytes]:
        """Sends every command, then reads every reply."""
        self.client.send(b"".join(harness.encode_command([a.encode("latin-1") for a in args])
                                  for args in cmds))
        return [self.client.read_reply() for _ in cmds]

    def conn(self, n: int) -> harness.RespClient:
        c = self.others.get(n)
        if c is None:
            c = harness.RespClient(self.server.port, timeout=self.timeout)
            if self.resp3:
                c.call("HELLO", "3")
            self.ids[n] = harness.decode(c.call("CLIENT", "ID")).__str__()
            self.others[n] = c
        return c

    def close_others(self) -> None:
        for c in self.others.values():
            c.close()
        self.others.clear()
        self.ids.clear()
        self.waiting.clear()

    def blocked_clients(self) -> int:
        info = self.call(["INFO", "clients"]).decode("latin-1")
        for line in info.split("\n"):
            if line.startswith("blocked_clients:"):
                return int(line.split(":")[1])
        return 0

    def send_blocking(self, n: int, args: List[str]) -> None:
        """Sends args on connection n and waits (at most 2 s) until the
        server has taken it: it blocked, or its reply arrived."""
        c = self.conn(n)
        c.send_command(*[a.encode("latin-1") for a in args])
        self.waiting.append(n)
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            ready = [m for m in self.waiting
                     if self.others[m].buf or select.select([self.others[m].sock], [], [], 0)[0]]
            if n in ready or self.blocked_clients() >= len(self.waiting) - len(ready):
                return
            time.sleep(0.0005)

    def read_blocked(self, n: int) -> bytes:
        self.waiting.remove(n)
        return self.conn(n).read_reply()

    def unblock(self, n: int, mode: str) -> bytes:
        self.conn(n)
        return self.call(["CLIENT", "UNBLOCK", self.ids[n]] + ([mode] if mode else []))

    def scan_all(self, cmd: str, key: str, extra: Sequence[str] = ()) -> bytes:
        """Every element a full SCAN-family iteration returns, canonical.
        extra: more options (HSCAN's NOVALUES, ZSCAN's NOSCORES)."""
        cursor = "0"
        items: List[bytes] = []
        singles = cmd == "SSCAN" or bool(extra)
        for _ in range(10000):
            raw = self.call([cmd, key, cursor, "COUNT", "7"] + list(extra))
            _, elems, _ = harness.split_aggregate(raw)
            if len(elems) != 2:
                return raw            # an error (WRONGTYPE): compared as is
            cursor = harness.decode(elems[0]).decode()
            _, batch, _ = harness.split_aggregate(elems[1])
            if singles:
                items += batch
            else:
                items += [batch[i] + batch[i + 1] for i in range(0, len(batch), 2)]
            if cursor == "0":
                break
        # A scan may return an element twice (a table that grew or shrank
        # between steps): compared as a set.
        return b"scan:" + b"".join(sorted(set(items)))

    def stop(self) -> None:
        self.close_others()
        self.client.close()
        self.server.stop()


def show(b: bytes) -> str:
    s = repr(b)
    return s if len(s) <= SHOW_BYTES else s[:SHOW_BYTES] + f"... ({len(b)} bytes)"


LIMITS = ["hash-max-listpack-entries", "hash-max-listpack-value", "zset-max-listpack-entries",
          "zset-max-listpack-value", "set-max-intset-entries", "list-max-listpack-size",
          "list-compress-depth"]


def settings(rng: random.Random, defaults: Dict[str, str],
             modern: bool = False) -> List[List[str]]:
    """Per-seed configuration, applied to both servers: the reference's
    defaults, then (for most seeds) small limits, so that values convert
    between encodings often.

    With listpack sets (a 7.2+ reference), set-max-listpack-entries stays
    at most set-max-intset-entries: otherwise a set built from a hash
    table's members (SUNIONSTORE, SMOVE, ...) ends as a listpack or a hash
    table depending on whether a non-integer member or the intset's
    overflow comes first, that is on the hash table's order, which is
    random in Redis itself."""
    out = [["CONFIG", "SET", name, value] for name, value in defaults.items()]
    if rng.random() < 0.6:
        intset = rng.choice([2, 4, 8])
        out += [["CONFIG", "SET", "hash-max-listpack-entries", str(rng.choice([2, 4, 8]))],
                ["CONFIG", "SET", "hash-max-listpack-value", str(rng.choice([4, 16, 64]))],
                ["CONFIG", "SET", "zset-max-listpack-entries", str(rng.choice([2, 4, 8]))],
                ["CONFIG", "SET", "zset-max-listpack-value", str(rng.choice([4, 16, 64]))],
                ["CONFIG", "SET", "set-max-intset-entries", str(intset)],
                ["CONFIG", "SET", "list-max-listpack-size", str(rng.choice([-2, -1, 2, 4]))],
                ["CONFIG", "SET", "list-compress-depth", str(rng.choice([0, 0, 1, 2]))]]
        if modern:
            out.append(["CONFIG", "SET", "set-max-listpack-entries",
                        str(rng.choice([1, intset // 2, intset]))])
    if rng.random() < 0.5:
        out.append(["HELLO", "3"])
    return out


def sort_fixtures() -> List[List[str]]:
    """Distinct weights and hash fields for every sortable element."""
    # i * 7919 mod 100003 (a prime) is distinct for every i below it.
    cmds = [["MSET"] + [x for i, e in enumerate(SORTABLE)
                        for x in (f"w:{e}", str((i * 7919) % 100003 - 50000))]]
    for i, e in enumerate(SORTABLE):
        cmds.append(["HSET", f"hw:{e}", "f", str((i * 7907) % 100019), "g", f"g{i:05d}"])
    return cmds


def render(args: List[str]) -> str:
    """One command as a case-file line (run_diff.py's syntax: bytes outside
    printable ASCII, quotes, spaces and backslashes escaped)."""
    out = []
    for a in args:
        b = a.encode("latin-1")
        text = "".join(chr(c) if 0x21 <= c < 0x7f and chr(c) not in "\\'\"" else f"\\x{c:02x}"
                       for c in b)
        out.append(text if text else "''")
    return " ".join(out)


def compare(redis: Side, peregrine: Side, args: List[str]) -> Tuple[bytes, bytes]:
    """Runs one step on both; returns the replies in comparable form. A step
    is a command for connection 0, or one of the blocking family's
    operations: @send N CMD... (send on connection N, wait until it blocks
    or is answered), @unblock N [TIMEOUT|ERROR] (CLIENT UNBLOCK of N's id,
    from connection 0), @read N (N's reply)."""
    if args[0] == "@send":
        n = int(args[1])
        redis.send_blocking(n, args[2:])
        peregrine.send_blocking(n, args[2:])
        return b"", b""
    if args[0] == "@unblock":
        mode = args[2] if len(args) > 2 else ""
        return redis.unblock(int(args[1]), mode), peregrine.unblock(int(args[1]), mode)
    if args[0] == "@read":
        return redis.read_blocked(int(args[1])), peregrine.read_blocked(int(args[1]))
    name = args[0].upper()
    if name in SCANS and (len(args) == 2 or (len(args) == 3 and args[2] in SCAN_ONLY)):
        return redis.scan_all(name, args[1], args[2:]), peregrine.scan_all(name, args[1], args[2:])
    r, p = redis.call(args), peregrine.call(args)
    if name in UNORDERED:
        return harness.canonical_unordered(r), harness.canonical_unordered(p)
    if name in PAIRS:
        return pairs_canonical(r), pairs_canonical(p)
    if (name in SHAPE or name in SCANS) and not r.startswith(b"-"):
        return shape(r), shape(p)
    return r, p


def reset(redis: Side, peregrine: Side, setup: List[List[str]]) -> None:
    for side in (redis, peregrine):
        side.close_others()
        side.call(["DISCARD"])  # leaves a MULTI a difference interrupted
        side.call(["SELECT", "0"])
        side.call(["FLUSHALL"])
        side.call(["HELLO", "2"])
        side.pipeline(setup)
        side.resp3 = ["HELLO", "3"] in setup


def still_differs(redis: Side, peregrine: Side, setup: List[List[str]],
                  cmds: List[List[str]]) -> bool:
    """Replays cmds from empty databases; True when the last one's replies
    still differ."""
    reset(redis, peregrine, setup)
    for args in cmds[:-1]:
        compare(redis, peregrine, args)
    r, p = compare(redis, peregrine, cmds[-1])
    return r != p


def minimize(redis: Side, peregrine: Side, setup: List[List[str]],
             units: List[List[List[str]]], tail: List[List[str]],
             budget: int = 400) -> List[List[str]]:
    """Drops runs of units (a command, or a whole MULTI ... EXEC) before
    tail, the failing command's own unit up to it, while its replies still
    differ: halving run lengths, at most budget replays."""
    def flat(us: List[List[List[str]]]) -> List[List[str]]:
        return [c for u in us for c in u] + tail
    units = list(units)
    chunk = max(1, len(units) // 2)
    while budget > 0 and units:
        i = 0
        while i < len(units) and budget > 0:
            trial = units[:i] + units[i + chunk:]
            budget -= 1
            if still_differs(redis, peregrine, setup, flat(trial)):
                units = trial
            else:
                i += chunk
        if chunk == 1:
            break
        chunk = max(1, chunk // 2)
    return flat(units)


def write_case(path: str, title: str, setup: List[List[str]], cmds: List[List[str]]) -> None:
    """cmds as a case file that run_diff.py replays, setup first."""
    with open(path, "w") as f:
        f.write(f"# {title}\n")
        for args in setup:
            f.write("!resp3\n" if args == ["HELLO", "3"] else render(args) + "\n")
        for args in cmds:
            name = args[0].upper()
            if name.startswith("@"):
                # run_diff.py reads every reply at once: it cannot block.
                f.write(f"# {render(args)}   (several connections: not replayable here)\n")
                continue
            if name in UNORDERED or name in PAIRS:
                f.write("!unordered\n")
            elif name in SHAPE or name in SCANS:
                f.write("!skip-reason random pick or scan cursor\n")
            f.write(render(args) + "\n")


def run(redis: Side, peregrine: Side, seed: int, commands: int, families: List[str],
        max_diffs: int, verbose: bool, defaults: Dict[str, str],
        dump_dir: Optional[str] = None, modern: bool = False) -> int:
    rng = random.Random(seed)
    gen = Gen(rng, modern)
    makers: Dict[str, Callable[[], List[str]]] = {
        "lists": gen.lists, "hashes": gen.hashes, "sets": gen.sets, "zsets": gen.zsets,
        "sort": gen.sort, "keys": gen.keys, "bulk": gen.bulk, "expire": gen.expire, "config": gen.config,
        "listenc": gen.listenc}
    weights = {"lists": 5, "hashes": 4, "sets": 4, "zsets": 7, "sort": 1, "keys": 1,
               "bulk": 0.15, "expire": 1, "db": 0.5, "config": 0.1, "listenc": 6}
    names = [f for f in families if f in makers or f in ("tx", "block", "db")]
    wts = [weights.get(f, 2) for f in names]
    inner = [makers[f] for f in names
             if f in makers and f not in ("keys", "bulk", "expire", "config", "listenc")]
    pending: List[List[str]] = []
    setup = settings(rng, defaults, modern) + sort_fixtures()
    reset(redis, peregrine, [])
    for args, r, p in zip(setup, redis.pipeline(setup), peregrine.pipeline(setup)):
        if args[0] != "HELLO" and r != p:
            print(f"seed {seed}: setup {render(args)} differs: redis {show(r)} "
                  f"peregrine {show(p)}")
            return 1
    for side in (redis, peregrine):
        side.resp3 = ["HELLO", "3"] in setup
    history: List[List[List[str]]] = []  # units: a command, or a transaction
    diffs = 0
    for step in range(commands):
        if not pending:
            family = rng.choices(names, wts)[0]
            if family == "tx":
                pending = gen.transaction(inner)
            elif family == "block":
                pending = gen.blocking()
            elif family == "db":
                pending = gen.db()
            elif family == "listenc":
                # Each change is followed by the encoding it leaves.
                args = makers[family]()
                pending = [args] + ([["OBJECT", "ENCODING", args[1]]] if len(args) > 1 else [])
            else:
                pending = [gen.mutate(makers[family]())]
            history.append([])
        args = pending.pop(0)
        history[-1].append(args)
        r, p = compare(redis, peregrine, args)
        if r == p:
            continue
        diffs += 1
        print(f"seed {seed} step {step}: {render(args)}")
        print(f"    redis:     {show(r)}")
        print(f"    peregrine: {show(p)}")
        if verbose:
            cut = minimize(redis, peregrine, setup, history[:-1], history[-1])
            total = sum(len(u) for u in history)
            print(f"    minimized to {len(cut)} of {total} commands:")
            for h in cut[-HISTORY:]:
                print(f"      {render(h)}")
            if dump_dir:
                path = os.path.join(dump_dir, f"seed{seed}_step{step}.txt")
                write_case(path, f"random_diff.py seed {seed}, step {step}, minimized",
                           [a for a in setup if a[0] == "CONFIG" or a == ["HELLO", "3"]], cut)
                print(f"    replay: tests/diff/run_diff.py --peregrine PATH {path}")
        if diffs >= max_diffs:
            break
        # Start over from empty databases so one difference does not cascade.
        reset(redis, peregrine, setup)
        history.clear()
        pending.clear()
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peregrine", required=True)
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--commands", type=int, default=4000)
    ap.add_argument("--max-diffs", type=int, default=5, help="per seed")
    ap.add_argument("--families", default="lists,hashes,sets,zsets,sort,keys,tx,block,bulk,expire,db,config")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--verbose", action="store_true",
                    help="minimize each difference's command stream and print it")
    ap.add_argument("--dump", metavar="DIR",
                    help="with --verbose: write each minimized stream to DIR as a case file")
    opts = ap.parse_args()
    try:
        redis = Side("redis", opts.redis, [], opts.timeout)
        peregrine = Side("peregrine", opts.peregrine, harness.parity_args(opts.redis),
                         opts.timeout)
    except (RuntimeError, FileNotFoundError) as e:
        print(f"cannot start servers: {e}")
        return 2
    total = 0
    modern = harness.redis_version(opts.redis) >= (7, 2)
    redis.modern = modern
    try:
        families = opts.families.split(",")
        defaults = {}
        for name in LIMITS + (["set-max-listpack-entries"] if modern else []):
            reply = harness.decode(redis.call(["CONFIG", "GET", name]))
            defaults[name] = reply[1].decode()
        for seed in range(opts.first_seed, opts.first_seed + opts.seeds):
            total += run(redis, peregrine, seed, opts.commands, families, opts.max_diffs,
                         opts.verbose, defaults, opts.dump, modern)
    finally:
        redis.stop()
        peregrine.stop()
    print(f"random differential: {opts.seeds} seeds x {opts.commands} commands, "
          f"{total} difference(s)")
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
