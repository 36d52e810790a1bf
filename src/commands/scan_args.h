// The options shared by SCAN, SSCAN, HSCAN and ZSCAN: MATCH pattern,
// COUNT count (>= 1), and per command TYPE (SCAN), NOVALUES (HSCAN) or
// NOSCORES (ZSCAN, Valkey 8.0).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/util.h"
#include "server/command.h"

namespace peregrine::server {

struct ScanArgs {
  int64_t count = 10;
  std::optional<std::string_view> pattern;  // unset: everything ("*" too)
  std::optional<std::string_view> type;     // SCAN ... TYPE
  bool novalues = false;                     // HSCAN ... NOVALUES
  bool noscores = false;                     // ZSCAN ... NOSCORES
};

enum ScanExtras : unsigned { kScanPlain = 0, kScanType = 1, kScanNoValues = 2, kScanNoScores = 4 };

// Parses the options from argv[first] on. Replies the error and returns
// false on a bad option or count.
inline bool parse_scan_args(CommandContext& ctx, size_t first, unsigned extras, ScanArgs* out) {
  for (size_t i = first; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    const bool has_value = i + 1 < ctx.argc();
    if (equals_nocase(opt, "count") && has_value) {
      if (!parse_int64(ctx.arg(++i), &out->count)) {
        ctx.not_integer();
        return false;
      }
      if (out->count < 1) {
        ctx.syntax_error();
        return false;
      }
    } else if (equals_nocase(opt, "match") && has_value) {
      out->pattern = ctx.arg(++i);
      if (*out->pattern == "*") out->pattern.reset();  // matches everything
    } else if ((extras & kScanType) && equals_nocase(opt, "type") && has_value) {
      out->type = ctx.arg(++i);
    } else if (equals_nocase(opt, "novalues")) {
      // (Redis 7.4 and Valkey name the command it belongs to.)
      if (!(extras & kScanNoValues)) {
        ctx.reply.error("ERR NOVALUES option can only be used in HSCAN");
        return false;
      }
      out->novalues = true;
    } else if (equals_nocase(opt, "noscores")) {
      if (!(extras & kScanNoScores)) {
        ctx.reply.error("ERR NOSCORES option can only be used in ZSCAN");
        return false;
      }
      out->noscores = true;
    } else {
      ctx.syntax_error();
      return false;
    }
  }
  return true;
}

}  // namespace peregrine::server
