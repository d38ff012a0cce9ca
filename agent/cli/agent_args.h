// The agent's command line, parsed without Boost.Program_options: the agent is
// statically linked into every guest and sits on its boot path, and that library (with
// the iostreams and locales it pulls in) was a fifth of the binary and part of every
// exec's cost (docs/benchmarks.md). The host bridge keeps Boost.Program_options.
// Pure: arguments in, options or an error out; the help text is rendered from the same
// table the parser reads, so the two cannot drift.
#pragma once

#include <string>
#include <vector>

#include "agent/commands/boot.h"
#include "common/status.h"

namespace umla::agent {

struct AgentArgs {
  std::string command;  // empty with --help alone
  bool help = false;
  bool json = false;
  std::string phase = "all";
  std::string log_level = "info";
  BootOptions boot;
};

// Accepts `--name value`, `--name=value`, `-n`, `-h`, and `--` before a positional.
// Fails with a message naming the argument (unknown option, missing value, a second
// command, a bad --phase).
Result<AgentArgs> ParseAgentArgs(const std::vector<std::string>& args);

// The whole `uml-agent --help` text.
std::string AgentHelp();

}  // namespace umla::agent
