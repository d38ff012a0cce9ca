#include "host-bridge/commands/run_preflight.h"

#include <cstdio>

#include "host-bridge/preflight/preflight.h"
#include "host-bridge/preflight/ubd_options.h"
#include "host-bridge/watch/exit_codes.h"

namespace po = boost::program_options;

namespace umla::bridge {

void AddPreflightOptions(po::options_description& options, RunOptions* run) {
  options.add_options()
      ("cow", po::value(&run->cow)->value_name("FILE"),
       "put the root disk on a copy-on-write layer FILE: ubd0=IMAGE becomes "
       "ubd0=FILE,IMAGE, so several guests share IMAGE read-only (the kernel creates "
       "FILE if missing)")
      ("no-preflight", po::bool_switch(&run->skip_preflight),
       "start the kernel without the checks: ubd files, e2fsck of the root image, "
       "files in use by running guests, room for mem= in the tmpfs UML maps guest "
       "memory in")
      ("strict", po::bool_switch(&run->strict),
       "refuse to start on a preflight warning too (guest memory not on a tmpfs or "
       "without room for mem=, e2fsck missing)");
}

Status PutRootOnCow(std::vector<std::string>& kernel_args, const std::string& cow_file) {
  std::optional<int> root = RootUbdUnit(kernel_args);
  if (!root) return Status::Error("--cow: the root filesystem (root=) is not a whole ubd disk");
  for (auto& arg : kernel_args) {
    if (arg == "--") break;
    auto parsed = ParseUbdArg(arg);
    if (!parsed || !parsed->ok() || (*parsed)->unit != *root) continue;
    UbdOption option = **parsed;
    if (option.cow() || option.no_cow) {
      return Status::Error("--cow: kernel argument \"" + arg + "\" already says how to layer it");
    }
    option.backing = option.file;
    option.file = cow_file;
    arg = RenderUbdArg(option);
    return Status::Ok();
  }
  return Status::Error("--cow: no ubd" + std::to_string(*root) + "= argument for the root disk");
}

int PrepareRun(RunOptions& run) {
  auto say = [&](const std::string& line, bool always) {
    if (always || !run.watch.quiet) std::fprintf(stderr, "uml-bridge: %s\n", line.c_str());
  };
  if (!run.cow.empty()) {
    Status layered = PutRootOnCow(run.kernel_args, run.cow);
    if (!layered.ok()) {
      say(layered.message(), true);
      return kExitUsage;
    }
  }
  if (run.skip_preflight) return -1;
  LinuxHostProbe host;
  PreflightReport report = RunPreflight(run.kernel_args, host);
  bool refused = report.Refused(run.strict);
  for (const auto& finding : report.findings) {
    const char* label = finding.severity == Severity::kError     ? "preflight error: "
                        : finding.severity == Severity::kWarning ? "preflight warning: "
                                                                 : "preflight: ";
    say(label + finding.message, finding.severity != Severity::kNote && refused);
  }
  if (!refused) return -1;
  say(std::string("preflight failed; the kernel was not started") +
          (run.strict ? " (--strict)" : "") + " (--no-preflight skips the checks)",
      true);
  return kExitUsage;
}

}  // namespace umla::bridge
