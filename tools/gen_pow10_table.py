#!/usr/bin/env python3
"""Prints the table of cached powers of ten that the shortest-double renderer
(src/protocol/double_format.cc) uses: for k = -348, -340, ..., 340 the 64-bit
significand f (2^63 <= f < 2^64, rounded to nearest) and binary exponent e of
10^k ~ f * 2^e, computed exactly with rationals.

    python3 tools/gen_pow10_table.py
"""
from fractions import Fraction


def rows():
    for i in range(87):
        k = -348 + 8 * i
        v = Fraction(10) ** k
        e = v.numerator.bit_length() - v.denominator.bit_length() - 64
        while v / Fraction(2) ** e >= 2 ** 64:
            e += 1
        while v / Fraction(2) ** e < 2 ** 63:
            e -= 1
        q = v / Fraction(2) ** e
        f = q.numerator // q.denominator
        rest = q - f
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and f % 2 == 1):
            f += 1
        if f == 2 ** 64:
            f //= 2
            e += 1
        yield f, e, k


def main() -> None:
    for f, e, k in rows():
        print(f"    {{{f}ULL, {e}}},  // 1e{k}")


if __name__ == "__main__":
    main()
