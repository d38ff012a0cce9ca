// uml-bridge: command-line front end only; each subcommand lives in commands/.
#include <algorithm>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "host-bridge/commands/run.h"
#include "host-bridge/commands/run_preflight.h"
#include "host-bridge/commands/wait.h"
#include "host-bridge/watch/exit_codes.h"

namespace po = boost::program_options;
using namespace umla::bridge;

namespace {

void AddWatchOptions(po::options_description& options, WatchOptions* watch) {
  options.add_options()
      ("timeout", po::value(&watch->timeout_s)->default_value(watch->timeout_s),
       "seconds to wait for ready")
      ("json", po::bool_switch(&watch->json), "print each event as a JSON object per line on stdout")
      ("quiet,q", po::bool_switch(&watch->quiet), "no progress lines on stderr")
      ("line", po::value(&watch->line)->default_value(watch->line),
       "guest console line the agent reports on (/dev/ttyN)");
}

// Parses `args` against `options`; prints help or the error. Returns -1 to go on.
int Parse(const std::string& usage, po::options_description& options,
          const std::vector<std::string>& args) {
  po::options_description all(usage);
  all.add_options()("help,h", "show this help");
  all.add(options);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).run(), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    std::cerr << "uml-bridge: " << error.what() << "\n(try --help)\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << all << "\n" << kExitStatusHelp;
    return 0;
  }
  return -1;
}

bool CheckWatch(const WatchOptions& watch) {
  if (watch.timeout_s <= 0 || watch.timeout_s > 86400) {
    std::cerr << "uml-bridge: --timeout must be between 0 and 86400 seconds\n";
    return false;
  }
  if (watch.line < 1 || watch.line > 63) {
    std::cerr << "uml-bridge: --line must be between 1 and 63\n";
    return false;
  }
  return true;
}

int RunCommand(const std::vector<std::string>& args) {
  RunOptions run;
  auto separator = std::find(args.begin(), args.end(), "--");
  std::vector<std::string> ours(args.begin(), separator);
  po::options_description options;
  AddWatchOptions(options, &run.watch);
  AddPreflightOptions(options, &run);
  options.add_options()
      ("console-log", po::value(&run.console_log),
       "write the guest's main console (con0) to FILE instead of this terminal")
      ("detach", po::bool_switch(&run.detach),
       "return once the guest is ready and leave it running")
      ("pidfile", po::value(&run.pidfile), "with --detach: write the kernel's pid to F");
  int parsed = Parse(
      "Usage: uml-bridge run [OPTIONS] -- KERNEL [KERNEL-ARGS...]\n\n"
      "Starts a UML kernel with the agent's console line wired to the bridge and waits\n"
      "until the agent reports ready. Adds conN=fd:3,fd:3, umid= (unless given) and\n"
      "mconsole=notify:... to the kernel arguments. Without --detach it stays until\n"
      "the guest exits; on timeout it halts the guest it started. Before starting the\n"
      "kernel it checks the host (see --no-preflight); under systemd (NOTIFY_SOCKET set)\n"
      "it sends STATUS= lines and READY=1 once the guest is ready.\n\nOptions",
      options, ours);
  if (parsed >= 0) return parsed;
  if (separator == args.end() || separator + 1 == args.end()) {
    std::cerr << "uml-bridge run: missing \"-- KERNEL [ARGS...]\" (try --help)\n";
    return kExitUsage;
  }
  if (!run.pidfile.empty() && !run.detach) {
    std::cerr << "uml-bridge run: --pidfile needs --detach\n";
    return kExitUsage;
  }
  if (!CheckWatch(run.watch)) return kExitUsage;
  run.kernel = *(separator + 1);
  run.kernel_args.assign(separator + 2, args.end());
  if (int refused = PrepareRun(run); refused >= 0) return refused;
  return RunGuest(run);
}

int WaitCommand(const std::vector<std::string>& args) {
  WaitOptions wait;
  po::options_description options;
  AddWatchOptions(options, &wait.watch);
  options.add_options()(
      "channel", po::value(&wait.channel)->required(),
      "fifo:PATH (start the guest with conN=null,fd:3 3<>PATH), pts:PATH, or umid:NAME\n"
      "(the guest's line is conN=pts; its pts is found through its mconsole)");
  int parsed = Parse(
      "Usage: uml-bridge wait --channel SPEC [OPTIONS]\n\n"
      "Waits until the agent in a guest started by someone else reports ready.\n\nOptions",
      options, args);
  if (parsed >= 0) return parsed;
  if (!CheckWatch(wait.watch)) return kExitUsage;
  return WaitForGuest(wait);
}

struct Subcommand {
  const char* name;
  const char* summary;
  std::function<int(const std::vector<std::string>&)> run;
};

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> table = {
      {"run", "start a UML guest and wait until its agent reports ready", RunCommand},
      {"wait", "wait for the agent of a guest started elsewhere", WaitCommand},
  };
  return table;
}

void PrintUsage(std::ostream& out) {
  out << "Usage: uml-bridge COMMAND [OPTIONS]   (uml-bridge COMMAND --help for more)\n\n"
         "Host side of uml-agent: starts or watches User-Mode Linux guests and waits\n"
         "for their agent's \"ready\".\n\nCommands:\n";
  for (const auto& command : Subcommands()) {
    out << "  " << command.name << std::string(10 - std::strlen(command.name), ' ')
        << command.summary << "\n";
  }
  out << "\n" << kExitStatusHelp;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(std::cerr);
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintUsage(std::cout);
    return 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << "uml-bridge " << UMLA_VERSION << "\n";
    return 0;
  }
  for (const auto& command : Subcommands()) {
    if (args[0] == command.name) return command.run({args.begin() + 1, args.end()});
  }
  std::cerr << "uml-bridge: unknown command \"" << args[0] << "\"\n\n";
  PrintUsage(std::cerr);
  return kExitUsage;
}
