#include "agent/cli/agent_args.h"

#include <optional>
#include <string_view>

#include "common/strings.h"

namespace umla::agent {
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
)";

// Plain function pointers and a constant table: nothing to build at run time, as the
// parser runs on every boot and each page it touches costs the guest (see header).
struct OptionSpec {
  const char* name;
  char short_name;          // 0: none
  const char* value_name;   // nullptr: a switch
  const char* description;  // lines after the first are indented under it
  std::string (*default_value)(AgentArgs&);  // nullptr: no default shown
  void (*set)(AgentArgs&, const std::string&);
};

// clang-format off
constexpr OptionSpec kSpecs[] = {
      {"help", 'h', nullptr, "show this help", nullptr,
       [](AgentArgs& a, const std::string&) { a.help = true; }},
      {"root", 0, "DIR", "act on the root tree DIR instead of / (image tooling, tests)",
       [](AgentArgs& a) { return a.boot.root; },
       [](AgentArgs& a, const std::string& v) { a.boot.root = v; }},
      {"channel", 0, "PATH",
       "console line to report on (default: setting `channel`, else /dev/tty7)", nullptr,
       [](AgentArgs& a, const std::string& v) { a.boot.channel = v; }},
      {"config", 0, "PATH", "config file, a path inside the root tree",
       [](AgentArgs& a) { return a.boot.config_path; },
       [](AgentArgs& a, const std::string& v) { a.boot.config_path = v; }},
      {"cmdline-file", 0, "PATH", "where to read the kernel command line (a host path; its first line)",
       [](AgentArgs& a) { return a.boot.cmdline_path; },
       [](AgentArgs& a, const std::string& v) { a.boot.cmdline_path = v; }},
      {"set", 0, "KEY=VALUE", "a setting; overrides every other source (repeatable)", nullptr,
       [](AgentArgs& a, const std::string& v) { a.boot.settings.push_back(v); }},
      {"phase", 0, "PHASE",
       "boot: all (hello, steps, gates, ready) or fixups (hello and steps only;\n"
       "a later `uml-agent ready` continues the same report)",
       [](AgentArgs& a) { return a.phase; },
       [](AgentArgs& a, const std::string& v) { a.phase = v; }},
      {"only", 0, "STEPS", "run only these steps (comma-separated names)", nullptr,
       [](AgentArgs& a, const std::string& v) {
         for (std::string_view step : Split(v, ',')) {
           if (!step.empty()) a.boot.only_steps.emplace_back(step);
         }
       }},
      {"dry-run", 'n', nullptr, "print the plan (+/- lines), change nothing, send nothing",
       nullptr, [](AgentArgs& a, const std::string&) { a.boot.dry_run = true; }},
      {"json", 0, nullptr, "status: print the report as JSON", nullptr,
       [](AgentArgs& a, const std::string&) { a.json = true; }},
      {"log-level", 0, "LEVEL", "debug, info, warn or error",
       [](AgentArgs& a) { return a.log_level; },
       [](AgentArgs& a, const std::string& v) { a.log_level = v; }},
};
// clang-format on

const OptionSpec* FindLong(std::string_view name) {
  for (const auto& spec : kSpecs) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

const OptionSpec* FindShort(char name) {
  for (const auto& spec : kSpecs) {
    if (spec.short_name != 0 && name == spec.short_name) return &spec;
  }
  return nullptr;
}

}  // namespace

Result<AgentArgs> ParseAgentArgs(const std::vector<std::string>& args) {
  AgentArgs parsed;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const OptionSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (!options_done && arg == "--") {
      options_done = true;
      continue;
    }
    if (!options_done && arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      size_t equals = arg.find('=');
      spec = FindLong(std::string_view(arg).substr(2, equals == std::string::npos
                                                           ? std::string::npos
                                                           : equals - 2));
      if (equals != std::string::npos) inline_value = arg.substr(equals + 1);
    } else if (!options_done && arg.size() == 2 && arg[0] == '-' && arg[1] != '-') {
      spec = FindShort(arg[1]);
    } else if (!options_done && arg.size() > 1 && arg[0] == '-') {
      return Status::Error("unknown option " + arg);
    } else {
      if (!parsed.command.empty()) {
        return Status::Error("one command only (got \"" + parsed.command + "\" and \"" + arg +
                             "\")");
      }
      parsed.command = arg;
      continue;
    }
    if (spec == nullptr) return Status::Error("unknown option " + arg);
    std::string value;
    if (spec->value_name == nullptr) {
      if (inline_value) return Status::Error("option --" + std::string(spec->name) +
                                             " takes no value");
    } else if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Status::Error("option --" + std::string(spec->name) + " needs a value (" +
                           spec->value_name + ")");
    }
    spec->set(parsed, value);
  }
  if (parsed.phase != "all" && parsed.phase != "fixups") {
    return Status::Error("--phase must be all or fixups, not \"" + parsed.phase + "\"");
  }
  return parsed;
}

std::string AgentHelp() {
  AgentArgs defaults;
  std::string text = kUsage;
  text += "\nOptions:\n";
  for (const auto& spec : kSpecs) {
    std::string left = "  ";
    left += spec.short_name != 0 ? std::string("-") + spec.short_name + " [ --" : "--";
    left += spec.name;
    if (spec.short_name != 0) left += " ]";
    if (spec.value_name != nullptr) left += std::string(" ") + spec.value_name;
    if (spec.default_value) left += " (=" + spec.default_value(defaults) + ")";
    constexpr size_t kColumn = 34;
    left += left.size() < kColumn ? std::string(kColumn - left.size(), ' ')
                                  : "\n" + std::string(kColumn, ' ');
    for (char c : std::string_view(spec.description)) {
      left += c;
      if (c == '\n') left += std::string(kColumn, ' ');
    }
    text += left + "\n";
  }
  return text;
}

}  // namespace umla::agent
