// SORT and SORT_RO: sort the elements of a list, set or sorted set,
// numerically or as strings, optionally by weights looked up in other keys
// (BY pattern, where "*" is replaced by the element and "key->field" reads a
// hash field), returning other keys' values (GET pattern, "#" for the element
// itself), a LIMIT window, and for SORT, STORE the result as a list.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "commands/subkey_expiry.h"
#include "commands/util.h"
#include "server/command.h"
#include "server/server.h"
#include "store/db.h"
#include "store/hash.h"
#include "store/list.h"
#include "store/set.h"
#include "store/zset.h"

namespace peregrine::server {
namespace {

using store::ObjType;
using store::Obj;
using store::Value;

struct SortOptions {
  std::optional<std::string> by;
  bool dont_sort = false;  // BY pattern without '*': keep the natural order
  std::vector<std::string> gets;
  int64_t offset = 0;
  int64_t count = -1;  // -1: to the end
  bool desc = false;
  bool alpha = false;
  std::optional<std::string> store;
};

struct Element {
  std::string value;
  double score = 0;                // numeric sort key
  std::optional<std::string> cmp;  // ALPHA sort key from BY (nullopt: missing)
};

// Reads the number a sort key holds the way SORT does: strtod over the whole
// string (leading blanks and an empty string allowed), no NaN, no overflow.
bool parse_sort_number(const std::string& s, double* out) {
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || std::isnan(v)) return false;
  *out = v;
  return true;
}

// The value a BY/GET pattern names for element: "#" is the element; the
// first '*' is replaced by it; "->field" after it reads a hash field.
std::optional<std::string> lookup_by_pattern(CommandContext& ctx, const std::string& pattern,
                                             const std::string& element) {
  if (pattern == "#") return element;
  size_t star = pattern.find('*');
  if (star == std::string::npos) return std::nullopt;
  size_t arrow = pattern.find("->", star + 1);
  std::string field;
  std::string key_pattern = pattern;
  if (arrow != std::string::npos && arrow + 2 < pattern.size()) {
    field = pattern.substr(arrow + 2);
    key_pattern = pattern.substr(0, arrow);
  }
  std::string key = key_pattern.substr(0, star) + element + key_pattern.substr(star + 1);
  Obj* v = ctx.lookup_read(key);
  if (!v) return std::nullopt;
  if (field.empty()) {
    if (v->type() != ObjType::kString) return std::nullopt;
    return std::string(v->str());
  }
  if (v->type() != ObjType::kHash) return std::nullopt;
  store::HashValue& h = v->as<store::HashValue>();
  if (h.next_expiry() >= 0 && h.expire_at(field) >= 0 &&
      h.expire_at(field) <= ctx.now_ms)
    return std::nullopt;
  auto value = h.get(field);
  if (!value) return std::nullopt;
  return std::string(*value);
}

// Parses the options after the key. Returns false after replying an error.
bool parse_sort_options(CommandContext& ctx, bool read_only, SortOptions* o) {
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::string opt = to_lower(ctx.arg(i));
    size_t left = ctx.argc() - i - 1;
    if (opt == "asc") {
      o->desc = false;
    } else if (opt == "desc") {
      o->desc = true;
    } else if (opt == "alpha") {
      o->alpha = true;
    } else if (opt == "limit" && left >= 2) {
      if (!parse_int64(ctx.arg(i + 1), &o->offset) || !parse_int64(ctx.arg(i + 2), &o->count)) {
        ctx.not_integer();
        return false;
      }
      i += 2;
    } else if (opt == "store" && left >= 1 && !read_only) {
      o->store = std::string(ctx.arg(++i));
    } else if (opt == "by" && left >= 1) {
      o->by = std::string(ctx.arg(++i));
      if (o->by->find('*') == std::string::npos) o->dont_sort = true;
    } else if (opt == "get" && left >= 1) {
      o->gets.emplace_back(ctx.arg(++i));
    } else {
      ctx.syntax_error();
      return false;
    }
  }
  return true;
}

// The elements of the source in their natural order (list order, set
// iteration order, sorted-set score order).
std::vector<Element> load_elements(const Obj* v) {
  std::vector<Element> out;
  if (!v) return out;
  if (v->type() == ObjType::kList) {
    const auto& l = v->as<store::ListValue>();
    out.reserve(l.size());
    if (!l.empty())
      for (std::string& e : l.range(0, l.size() - 1)) out.push_back({std::move(e)});
  } else if (v->type() == ObjType::kSet) {
    for (std::string& m : v->as<store::SetValue>().members()) out.push_back({std::move(m)});
  } else if (v->type() == ObjType::kZSet) {
    v->as<store::ZSetValue>().for_each(
        [&](std::string_view m, double) { out.push_back({std::string(m)}); });
  }
  return out;
}

void sort_generic(CommandContext& ctx, bool read_only) {
  SortOptions o;
  if (!parse_sort_options(ctx, read_only, &o)) return;
  // A set loses its due members first, as in the set commands.
  Obj* src = remove_expired_subkeys(ctx, ctx.arg(1), ctx.lookup_read(ctx.arg(1)));
  if (src && src->type() != ObjType::kList && src->type() != ObjType::kSet &&
      src->type() != ObjType::kZSet)
    return ctx.wrong_type();
  // A set's natural order is its hash order; a stored or compared result
  // must not depend on it, so sets are always sorted (as strings).
  if (o.dont_sort && src && src->type() == ObjType::kSet && o.store) {
    o.dont_sort = false;
    o.alpha = true;
    o.by.reset();
  }
  // Redis turns a small sorted set into a skiplist before it sorts it (SORT
  // and SORT_RO alike); OBJECT ENCODING and the formatting of a -0 score
  // added later show the difference, so the same happens here.
  if (src && src->type() == ObjType::kZSet) {
    auto& z = src->as<store::ZSetValue>();
    z.convert_to_skiplist();
    src->set_encoding(z.encoding());
  }
  std::vector<Element> elems = load_elements(src);
  // Unsorted, a sorted set still honours DESC: its natural order reversed.
  if (o.dont_sort && o.desc && src && src->type() == ObjType::kZSet)
    std::reverse(elems.begin(), elems.end());

  if (!o.dont_sort) {
    for (Element& e : elems) {
      std::optional<std::string> key = e.value;
      if (o.by) key = lookup_by_pattern(ctx, *o.by, e.value);
      if (o.alpha) {
        if (o.by) e.cmp = key;
      } else if (key && !parse_sort_number(*key, &e.score)) {
        return ctx.reply.error("ERR One or more scores can't be converted into double");
      }
    }
    bool by_pattern = o.by.has_value();
    // ALPHA compares bytes, as Redis does with STORE; without STORE Redis
    // collates C strings (strcoll, byte order in the C locales), which end
    // at the first NUL: "a\0b" and "a" are then equal.
    const bool c_strings = !o.store;
    auto alpha_compare = [&](std::string_view a, std::string_view b) {
      if (c_strings) {
        a = a.substr(0, a.find('\0'));
        b = b.substr(0, b.find('\0'));
      }
      return a.compare(b);
    };
    auto less = [&](const Element& a, const Element& b) {
      int c;
      if (!o.alpha) {
        c = a.score < b.score ? -1 : a.score > b.score ? 1 : a.value.compare(b.value);
      } else if (by_pattern) {
        if (!a.cmp || !b.cmp) {
          c = (a.cmp ? 1 : 0) - (b.cmp ? 1 : 0);
        } else {
          c = alpha_compare(*a.cmp, *b.cmp);
        }
      } else {
        c = alpha_compare(a.value, b.value);
      }
      return o.desc ? c > 0 : c < 0;
    };
    std::stable_sort(elems.begin(), elems.end(), less);
  }

  int64_t len = static_cast<int64_t>(elems.size());
  // Both clamped to the length first: start + count must not overflow.
  int64_t start = std::min(std::max<int64_t>(o.offset, 0), len);
  int64_t count = o.count < 0 ? len : std::min(o.count, len);
  int64_t end = std::min(len, start + count);

  // Each output row: the element, or one value per GET pattern.
  std::vector<std::optional<std::string>> out;
  for (int64_t i = start; i < end; ++i) {
    if (o.gets.empty()) {
      out.emplace_back(elems[i].value);
    } else {
      for (const std::string& g : o.gets) out.push_back(lookup_by_pattern(ctx, g, elems[i].value));
    }
  }

  if (o.store) {
    // Redis wakes clients blocked on the destination only when the key is
    // new: replacing a key (of another type: a list would have served
    // them) leaves them blocked.
    const bool existed = ctx.lookup_write(*o.store) != nullptr;
    ctx.db.remove(*o.store);
    if (!out.empty()) {
      Value v;
      v.type = ObjType::kList;
      auto list = std::make_unique<store::ListValue>(
          ctx.server.config().list_max_listpack_size,
          static_cast<size_t>(ctx.server.config().list_compress_depth));
      // Redis builds the list as a quicklist and makes it a listpack when a
      // single node within the limit holds it.
      list->start_as_quicklist(ctx.server.config().list_max_listpack_size);
      for (const auto& e : out) list->push_back(e ? *e : std::string());
      list->settle_after_removal(ctx.server.config().list_max_listpack_size, /*half=*/false);
      v.encoding = store::reported_encoding(*list);
      v.coll = std::move(list);
      ctx.db.set(*o.store, std::move(v));
      if (!existed) ctx.signal_key_ready(*o.store);
    }
    ctx.key_modified(*o.store);
    return ctx.reply.integer(static_cast<int64_t>(out.size()));
  }
  ctx.reply.array(out.size());
  for (const auto& e : out) {
    if (e) {
      ctx.reply.bulk(*e);
    } else {
      ctx.reply.null_bulk();
    }
  }
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dest]
void cmd_sort(CommandContext& ctx) { sort_generic(ctx, false); }

// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
void cmd_sort_ro(CommandContext& ctx) { sort_generic(ctx, true); }

// The source key, and the STORE destination when there is one.
std::vector<int> sort_keys(std::span<const std::string_view> argv) {
  std::vector<int> keys = {1};
  for (size_t i = 2; i + 1 < argv.size(); ++i) {
    if (to_lower(argv[i]) == "store") keys.push_back(static_cast<int>(i + 1));
    if (to_lower(argv[i]) == "limit") i += 2;
    else if (to_lower(argv[i]) == "by" || to_lower(argv[i]) == "get") i += 1;
  }
  return keys;
}

}  // namespace

void register_sort_commands(CommandTable& t) {
  t.add({.name = "sort", .arity = -2, .flags = kCmdWrite | kCmdDenyOom,
         .acl = kAclSet | kAclSortedSet | kAclList | kAclDangerous, .first_key = 1, .last_key = 1,
         .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.",
         .complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, "
                       "and M the number of returned elements.",
         .handler = &cmd_sort, .get_keys = &sort_keys});
  t.add({.name = "sort_ro", .arity = -2, .flags = kCmdReadonly,
         .acl = kAclSet | kAclSortedSet | kAclList | kAclDangerous, .first_key = 1, .last_key = 1,
         .key_step = 1, .group = "generic", .since = "7.0.0",
         .summary = "Returns the sorted elements of a list, a set, or a sorted set.",
         .complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, "
                       "and M the number of returned elements.",
         .handler = &cmd_sort_ro});
}

}  // namespace peregrine::server
