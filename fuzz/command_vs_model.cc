// libFuzzer target: the input bytes decode to a sequence of commands (with
// time passing between some) run against the engine and the reference
// model; any difference in a reply aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/kv_model.h"
#include "sim/engine_harness.h"

namespace {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ == end_; }
  uint8_t next() { return p_ == end_ ? 0 : *p_++; }
  std::string key() { return "k" + std::to_string(next() % 6); }
  std::string value() {
    static const char* kValues[] = {"", "0", "1", "-1", "10", "3.5", "abc", "007", " 1",
                                    "9223372036854775807", "-9223372036854775808", "1e3",
                                    "inf", "-0", "12345678901234567890"};
    uint8_t b = next();
    if (b < 128) return kValues[b % std::size(kValues)];
    std::string s;
    for (int n = next() % 8; n > 0 && !empty(); --n) s.push_back(static_cast<char>(next()));
    return s;
  }
  std::string number() { return std::to_string(static_cast<int>(next()) - 40); }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

std::vector<std::string> decode(Bytes& b) {
  static const char* kOpts[] = {"NX", "XX", "GT", "LT", "GET", "KEEPTTL", "PX", "EX", "PERSIST", "REPLACE"};
  switch (b.next() % 24) {
    case 0: return {"GET", b.key()};
    case 1: return {"SET", b.key(), b.value()};
    case 2: return {"SET", b.key(), b.value(), kOpts[b.next() % 6]};
    case 3: return {"SET", b.key(), b.value(), b.next() % 2 ? "PX" : "EX", b.number()};
    case 4: return {"APPEND", b.key(), b.value()};
    case 5: return {"INCRBY", b.key(), b.value()};
    case 6: return {"INCRBYFLOAT", b.key(), b.value()};
    case 7: return {"DECR", b.key()};
    case 8: return {"SETRANGE", b.key(), b.number(), b.value()};
    case 9: return {"GETRANGE", b.key(), b.number(), b.number()};
    case 10: return {"DEL", b.key(), b.key()};
    case 11: return {"RENAME", b.key(), b.key()};
    case 12: return {"RENAMENX", b.key(), b.key()};
    case 13: return {"COPY", b.key(), b.key(), kOpts[9]};
    case 14: return {"PEXPIRE", b.key(), b.number()};
    case 15: return {"EXPIRE", b.key(), b.number(), kOpts[b.next() % 4]};
    case 16: return {"PTTL", b.key()};
    case 17: return {"PERSIST", b.key()};
    case 18: return {"GETEX", b.key(), kOpts[6 + b.next() % 3], b.number()};
    case 19: return {"MSETNX", b.key(), b.value(), b.key(), b.value()};
    case 20: return {"GETSET", b.key(), b.value()};
    case 21: return {"MOVE", b.key(), "1"};
    case 22: return {"SELECT", b.next() % 2 ? "0" : "1"};
    default: return {"SWAPDB", "0", "1"};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes b(data, size);
  peregrine::sim::EngineHarness engine(1);
  peregrine::models::KvModel model;
  int db = 0;
  for (int i = 0; i < 256 && !b.empty(); ++i) {
    uint8_t t = b.next();
    if (t < 64) engine.advance_ms(t % 20);
    std::vector<std::string> argv = decode(b);
    std::string got = engine.run(argv);
    std::string want = model.apply(argv, engine.now_ms(), &db);
    if (got != want) {
      std::string cmd;
      for (const auto& a : argv) cmd += a + " ";
      std::fprintf(stderr, "mismatch on: %s\nengine: %s\nmodel:  %s\n", cmd.c_str(), got.c_str(),
                   want.c_str());
      std::abort();
    }
  }
  return 0;
}
