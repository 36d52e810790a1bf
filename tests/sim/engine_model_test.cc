// The engine against the reference model, in-process: RapidCheck draws
// command sequences (with time passing between commands) and every reply
// of the engine must equal the model's, byte for byte.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>

#include "models/kv_model.h"
#include "sim/engine_harness.h"

namespace {

using peregrine::models::KvModel;
using peregrine::sim::EngineHarness;

struct Step {
  std::vector<std::string> argv;
  int advance_ms = 0;
};

rc::Gen<std::string> gen_key() {
  return rc::gen::map(rc::gen::inRange(0, 6), [](int i) { return "k" + std::to_string(i); });
}

rc::Gen<std::string> gen_value() {
  return rc::gen::oneOf(
      rc::gen::element<std::string>("", "0", "1", "-1", "10", "3.5", "abc", "007",
                                    "9223372036854775807", "-9223372036854775808"),
      rc::gen::map(rc::gen::inRange(-1000, 1000), [](int i) { return std::to_string(i); }),
      rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'z')));
}

rc::Gen<std::vector<std::string>> gen_command() {
  auto k = gen_key();
  auto v = gen_value();
  auto small = rc::gen::map(rc::gen::inRange(-3, 40), [](int i) { return std::to_string(i); });
  using V = std::vector<std::string>;
  return rc::gen::oneOf(
      rc::gen::apply([](std::string a) { return V{"GET", a}; }, k),
      rc::gen::apply([](std::string a, std::string b) { return V{"SET", a, b}; }, k, v),
      rc::gen::apply([](std::string a, std::string b, std::string t) { return V{"SET", a, b, "PX", t}; }, k, v, small),
      rc::gen::apply([](std::string a, std::string b, std::string o) { return V{"SET", a, b, o}; }, k, v,
                     rc::gen::element<std::string>("NX", "XX", "GET", "KEEPTTL")),
      rc::gen::apply([](std::string a, std::string b) { return V{"APPEND", a, b}; }, k, v),
      rc::gen::apply([](std::string a) { return V{"INCR", a}; }, k),
      rc::gen::apply([](std::string a, std::string b) { return V{"INCRBY", a, b}; }, k, v),
      rc::gen::apply([](std::string a, std::string b) { return V{"INCRBYFLOAT", a, b}; }, k, v),
      rc::gen::apply([](std::string a, std::string b, std::string c) { return V{"SETRANGE", a, b, c}; }, k,
                     small, v),
      rc::gen::apply([](std::string a, std::string b, std::string c) { return V{"GETRANGE", a, b, c}; }, k,
                     small, small),
      rc::gen::apply([](std::string a, std::string b) { return V{"DEL", a, b}; }, k, k),
      rc::gen::apply([](std::string a, std::string b) { return V{"RENAME", a, b}; }, k, k),
      rc::gen::apply([](std::string a, std::string b) { return V{"COPY", a, b}; }, k, k),
      rc::gen::apply([](std::string a, std::string t) { return V{"PEXPIRE", a, t}; }, k, small),
      rc::gen::apply([](std::string a, std::string t, std::string f) { return V{"EXPIRE", a, t, f}; }, k,
                     small, rc::gen::element<std::string>("NX", "XX", "GT", "LT")),
      rc::gen::apply([](std::string a) { return V{"PTTL", a}; }, k),
      rc::gen::apply([](std::string a) { return V{"PERSIST", a}; }, k),
      rc::gen::apply([](std::string a) { return V{"GETDEL", a}; }, k),
      rc::gen::apply([](std::string a, std::string b) { return V{"MSETNX", a, b}; }, k, v),
      rc::gen::apply([](std::string a) { return V{"STRLEN", a}; }, k),
      rc::gen::apply([](std::string a) { return V{"MOVE", a, "1"}; }, k),
      rc::gen::element(V{"SELECT", "1"}, V{"SELECT", "0"}, V{"SWAPDB", "0", "1"}, V{"FLUSHDB"}));
}

TEST(EngineVsModel, RandomCommandSequences) {
  bool ok = rc::check("engine replies equal model replies", [] {
    auto steps = *rc::gen::container<std::vector<Step>>(rc::gen::build<Step>(
        rc::gen::set(&Step::argv, gen_command()),
        rc::gen::set(&Step::advance_ms, rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)},
                                                                     {1, rc::gen::inRange(1, 30)}}))));
    EngineHarness engine(*rc::gen::arbitrary<uint32_t>());
    KvModel model;
    int db = 0;
    for (const Step& s : steps) {
      engine.advance_ms(s.advance_ms);
      std::string got = engine.run(s.argv);
      std::string want = model.apply(s.argv, engine.now_ms(), &db);
      RC_ASSERT(got == want);
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace
