// Replays tests/sim/list_shape_trace.txt, recorded from valkey-server
// (Redis 7.2.4 semantics) by tests/diff/list_shape_trace.py: after every
// command, each list's encoding and, for a quicklist, the node count, the
// bytes of its node listpacks in all and the fill it was made with must
// be what Redis's DEBUG OBJECT showed. OBJECT ENCODING alone shows a
// quicklist's nodes only when one is left; this checks where every push,
// LINSERT split and merge, LSET and removal leaves them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine_harness.h"
#include "store/list.h"

namespace {

using peregrine::sim::EngineHarness;
using peregrine::store::Encoding;
using peregrine::store::ListValue;
using peregrine::store::ObjType;

const char* const kKeys[] = {"l:0", "l:1", "l:2"};

// What the engine holds under key, in the trace's notation.
std::string state(EngineHarness& h, const std::string& key) {
  auto* obj = h.server().db(0).lookup(key, h.now_ms(), {.touch = false});
  if (obj == nullptr) return "-";
  if (obj->type() != ObjType::kList) return "not a list";
  const auto& l = obj->as<ListValue>();
  if (l.redis_encoding() == Encoding::kListpack) return "lp";
  uint64_t bytes = 0;
  for (size_t i = 0; i < l.redis_node_count(); ++i) bytes += l.redis_node(i).bytes;
  return "ql:" + std::to_string(l.redis_node_count()) + ":" + std::to_string(bytes) + ":" +
         std::to_string(l.redis_quicklist_fill());
}

std::vector<std::string> expand(const std::string& line) {
  std::vector<std::string> argv;
  std::istringstream in(line.substr(2));
  for (std::string a; in >> a;) {
    if (a.size() > 2 && a[0] == 's' && a[1] == '*') a = std::string(std::stoul(a.substr(2)), 's');
    argv.push_back(a);
  }
  return argv;
}

TEST(ListShape, ReplaysRedisQuicklistLayouts) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "list_shape_trace.txt";
  std::ifstream trace(path);
  ASSERT_TRUE(trace.good()) << "cannot read " << path;
  std::unique_ptr<EngineHarness> h;
  std::string line, last_command, seed;
  size_t checked = 0, quicklists = 0;
  while (std::getline(trace, line)) {
    if (line.rfind("# seed", 0) == 0) {
      seed = line;
      h = std::make_unique<EngineHarness>(1);
    } else if (line.rfind("> ", 0) == 0) {
      last_command = line;
      h->run(expand(line));
    } else if (line.rfind("= ", 0) == 0) {
      std::istringstream want(line.substr(2));
      for (const char* key : kKeys) {
        std::string w;
        want >> w;
        ASSERT_EQ(state(*h, key), w) << seed << ", " << key << " after " << last_command;
        ++checked;
        quicklists += w.rfind("ql:", 0) == 0 ? 1 : 0;
      }
    }
  }
  EXPECT_GT(checked, 10000u);
  EXPECT_GT(quicklists, 1000u);
}

}  // namespace
