// How replies render a double, byte for byte as the reference servers do.
//
// Redis 7.2 and later (and Valkey) render a double with the Grisu2
// algorithm (Loitsch, "Printing Floating-Point Numbers Quickly and
// Accurately with Integers", PLDI 2010): the digits are those of a short
// decimal that reads back as the same double -- nearly always the shortest,
// now and then one digit longer (1e23 renders as 99999999999999990000000).
// Integral values up to 2^62 are printed as integers, and the notation
// (plain or scientific, "1e-7", "1.5e+300") follows its own thresholds.
// Redis before 7.2 rendered "%.17g" instead; that form is kept for tests
// that compare byte for byte with such a server.
#pragma once

#include <cstddef>

namespace peregrine::protocol {

// Longest rendering of either form, sign included, with room to spare.
inline constexpr size_t kDoubleTextMax = 32;

// Writes v as Redis 7.2+ replies it ("0.1", "inf", "-inf", "nan", "-0",
// "100000000000000000", "1e+22", "5e-324"); returns the length.
size_t render_double(char* out, double v);

// Writes v as Redis before 7.2 replies it ("%.17g", inf, -inf, nan).
size_t render_double_legacy(char* out, double v);

// Writes an integral v within +-(2^63-1)/2 as an integer, as Redis's
// d2string() does before any other rendering (in 7.0 too, where it made
// the text a listpack stores for a score); returns the length, 0 when v is
// not such a value.
size_t render_integral(char* out, double v);

}  // namespace peregrine::protocol
