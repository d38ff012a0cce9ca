// uml-agent: command-line front end only; the work is in commands/.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "agent/commands/boot.h"
#include "agent/commands/init.h"
#include "agent/system/kmsg_sink.h"
#include "common/log.h"
#include "common/strings.h"

namespace po = boost::program_options;
using namespace umla::agent;

namespace {

const char* kUsage = R"(Usage: uml-agent COMMAND [OPTIONS]

Fixes up a User-Mode Linux guest at boot and reports readiness to the host over a
dedicated console line (default /dev/tty7, wired by `uml-bridge run`).

Commands:
  boot      run the boot steps and report (from an init script)
  ready     check the readiness gates and send ready (late in the boot, after
            `boot --phase fixups` or the PID-1 wrapper)
  init      the PID-1 wrapper (boot with init=/sbin/uml-agent; as PID 1 the
            agent always acts as init, whatever its arguments)
  status    print the last run's report (kept in /run/uml-agent/last-run.json)
  version   print the version

Exit status of boot: 0 every step ok, 1 a step failed (the boot goes on either way),
2 usage error.

Options)";

}  // namespace

int main(int argc, char** argv) {
  // Started by the kernel as init: the arguments are the kernel's init arguments,
  // meant for the real init, not options for us.
  if (getpid() == 1) RunInit(argc, argv);
  std::string command;
  std::string only;
  std::string log_level;
  std::string phase = "all";
  BootOptions boot;
  bool json = false;
  po::options_description options(kUsage);
  options.add_options()
      ("help,h", "show this help")
      ("root", po::value(&boot.root)->default_value("/"),
       "act on the root tree DIR instead of / (image tooling, tests)")
      ("channel", po::value(&boot.channel),
       "console line to report on (default: setting `channel`, else /dev/tty7)")
      ("config", po::value(&boot.config_path)->default_value(boot.config_path),
       "config file, a path inside the root tree")
      ("cmdline-file", po::value(&boot.cmdline_path)->default_value(boot.cmdline_path),
       "where to read the kernel command line (a host path)")
      ("set", po::value(&boot.settings)->composing(),
       "KEY=VALUE setting, overrides every other source (repeatable)")
      ("phase", po::value(&phase)->default_value(phase),
       "boot: all (hello, steps, gates, ready) or fixups (hello and steps only; a\n"
       "later `uml-agent ready` continues the same report)")
      ("only", po::value(&only), "run only these steps (comma-separated names)")
      ("dry-run,n", po::bool_switch(&boot.dry_run),
       "print the plan (+/- lines), change nothing, send nothing")
      ("json", po::bool_switch(&json), "status: print the report as JSON")
      ("log-level", po::value(&log_level)->default_value("info"),
       "debug, info, warn or error");
  po::options_description hidden;
  hidden.add_options()("command", po::value(&command));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    std::cerr << "uml-agent: " << error.what() << "\n(try uml-agent --help)\n";
    return 2;
  }
  if (vm.count("help") || command.empty()) {
    std::cout << options << "\n";
    return command.empty() && !vm.count("help") ? 2 : 0;
  }
  umla::SetupLogging("uml-agent", log_level);
  for (std::string_view name : umla::Split(only, ',')) {
    if (!name.empty()) boot.only_steps.emplace_back(name);
  }

  if (command == "boot" || command == "ready") {
    if (phase != "all" && phase != "fixups") {
      std::cerr << "uml-agent: --phase must be all or fixups\n";
      return 2;
    }
    boot.phase = command == "ready" ? BootPhase::kReady
                 : phase == "fixups" ? BootPhase::kFixups : BootPhase::kAll;
    if (!boot.dry_run) {
      if (auto kmsg = KmsgSink::Open()) umla::AddLogSink(kmsg);
    }
    if (command == "boot" && !boot.dry_run && boot.root == "/") return RunBootGuarded(boot);
    return RunBoot(boot);
  }
  if (command == "init") {
    std::cerr << "uml-agent: init runs only as PID 1 (boot the kernel with "
                 "init=/sbin/uml-agent)\n";
    return 2;
  }
  if (command == "status") return RunStatus(boot.root, json);
  if (command == "version") {
    std::cout << "uml-agent " << UMLA_VERSION << "\n";
    return 0;
  }
  std::cerr << "uml-agent: unknown command \"" << command << "\" (try uml-agent --help)\n";
  return 2;
}
