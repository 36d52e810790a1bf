// peregrine-server: loads the configuration, starts one Server on the
// production runtime and runs until SHUTDOWN or SIGTERM/SIGINT.
//
//   peregrine-server [/path/to/redis.conf] [--directive value ...]
#include <csignal>
#include <string>
#include <vector>

#include "runtime/posix/posix_runtime.h"
#include "server/server.h"

using peregrine::rt::posix::PosixRuntime;
using peregrine::server::Config;
using peregrine::server::Server;

namespace {

int usage(PosixRuntime& rt) {
  rt.write_console(
      "Usage: peregrine-server [/path/to/redis.conf] [options]\n"
      "       peregrine-server -v or --version\n"
      "       peregrine-server -h or --help\n\n"
      "Options are redis.conf directives prefixed with --, e.g.\n"
      "       peregrine-server --port 7777 --bind 127.0.0.1\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  PosixRuntime rt;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-v" || args[0] == "--version")) {
    rt.write_console("Peregrine server v=" PEREGRINE_VERSION " (Redis protocol 7.2.4)\n");
    return 0;
  }
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) return usage(rt);

  Config config;
  if (!args.empty() && args[0].rfind("--", 0) != 0) {
    config.config_file = args[0];
    auto text = rt.disk().read_file(args[0]);
    if (!text) {
      rt.write_console("Fatal error, can't open config file '" + args[0] + "': " +
                       text.error().message + "\n");
      return 1;
    }
    if (auto s = config.load_text(*text); !s) {
      rt.write_console("\n*** FATAL CONFIG FILE ERROR ***\n" + s.error().message + "\n");
      return 1;
    }
    args.erase(args.begin());
  }
  if (auto s = config.load_args(args); !s) {
    rt.write_console("\n*** FATAL CONFIG FILE ERROR (command line) ***\n" + s.error().message + "\n");
    return 1;
  }

  Server server(rt, config);
  bool failed = false;
  rt.main().post([&] {
    if (auto s = server.start(); !s) {
      server.log(3, "Failed listening on port " + std::to_string(config.port) + ": " +
                        s.error().message);
      failed = true;
      rt.request_stop();
    }
  });
  auto on_signal = [&] {
    server.log(3, "Received shutdown signal, scheduling shutdown...");
    server.stop();
  };
  rt.main().on_signal(SIGTERM, on_signal);
  rt.main().on_signal(SIGINT, on_signal);
  rt.run();
  return failed ? 1 : 0;
}
