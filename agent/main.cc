// uml-agent: command-line front end only; the work is in commands/.
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "agent/boot_path.h"
#include "agent/cli/agent_args.h"
#include "agent/commands/boot.h"
#include "agent/commands/init.h"
#include "agent/system/kmsg_sink.h"
#include "common/log.h"

using namespace umla::agent;

namespace {

int UsageError(const std::string& message) {
  std::fprintf(stderr, "uml-agent: %s\n(try uml-agent --help)\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Inside UML every fresh page is a host round trip (~0.3 ms on the build machines):
  // keep freed memory for reuse instead of giving it back and faulting it in again.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  // Started by the kernel as init: the arguments are the kernel's init arguments,
  // meant for the real init, not options for us.
  bool as_init = getpid() == 1;
  // A boot's run (the wrapper's too): map what it will touch first, in one go
  // (agent/boot_path.h).
  if (as_init || (argc > 1 && (std::string_view(argv[1]) == "boot" ||
                               std::string_view(argv[1]) == "ready"))) {
    PrewarmBootRun();
  }
  if (as_init) RunInit(argc, argv);
  umla::Result<AgentArgs> parsed = ParseAgentArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.ok()) return UsageError(parsed.status().message());
  AgentArgs& args = *parsed;
  if (args.help || args.command.empty()) {
    std::fputs(AgentHelp().c_str(), stdout);
    return args.help ? 0 : 2;
  }
  umla::SetupLogging("uml-agent", args.log_level);
  BootOptions& boot = args.boot;

  if (args.command == "boot" || args.command == "ready") {
    boot.phase = args.command == "ready"  ? BootPhase::kReady
                 : args.phase == "fixups" ? BootPhase::kFixups
                                          : BootPhase::kAll;
    // Only on the running system: with --root the agent works on an image tree, and
    // the kernel log is the host's.
    if (!boot.dry_run && boot.root == "/") {
      if (auto kmsg = KmsgSink::Open()) {
        umla::AddLogSink(kmsg);
        // The kernel log reaches the console (and the journal) already: info there
        // only, not twice; problems still show on stderr too.
        umla::QuietStderr();
      }
    }
    if (args.command == "boot" && !boot.dry_run && boot.root == "/") return RunBootGuarded(boot);
    return RunBoot(boot);
  }
  if (args.command == "init") {
    return UsageError("init runs only as PID 1 (boot the kernel with init=/sbin/uml-agent)");
  }
  if (args.command == "status") return RunStatus(boot.root, args.json);
  if (args.command == "version") {
    std::printf("uml-agent %s\n", UMLA_VERSION);
    return 0;
  }
  return UsageError("unknown command \"" + args.command + "\"");
}
