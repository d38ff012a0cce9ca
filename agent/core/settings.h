// The agent's configuration as one key -> value table filled from its sources in
// precedence order (lowest first): built-in defaults, the config file
// (/etc/uml-agent/config.json), the kernel command line (uml_agent.KEY=VALUE), then
// command-line flags. Typed getters validate on use, so a bad value fails only the
// step that reads it, with a message naming the key and where the value came from.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace umla::agent {

inline constexpr std::string_view kCmdlinePrefix = "uml_agent.";

struct Setting {
  std::string value;
  std::string source;  // "kernel command line", "/etc/uml-agent/config.json", ...
};

class Settings {
 public:
  // Later calls override earlier ones; that is how precedence is applied.
  void Set(const std::string& key, std::string value, std::string source);
  std::optional<Setting> Get(const std::string& key) const;

  Result<std::string> String(const std::string& key, std::string_view fallback) const;
  Result<bool> Bool(const std::string& key, bool fallback) const;
  Result<uint64_t> Unsigned(const std::string& key, uint64_t fallback, uint64_t max) const {
    return Unsigned(key, fallback, 0, max);
  }
  Result<uint64_t> Unsigned(const std::string& key, uint64_t fallback, uint64_t min,
                            uint64_t max) const;
  // An absolute path without "..", empty allowed only if `allow_empty`.
  Result<std::string> Path(const std::string& key, std::string_view fallback,
                           bool allow_empty = false) const;

  // Loads the uml_agent.* parameters; warnings for repeated keys go to `warnings`.
  void LoadKernelCmdline(std::string_view cmdline, std::vector<std::string>* warnings);
  // Loads a JSON object; nested objects become dotted keys ({"a":{"b":1}} -> a.b=1).
  // Fails as a whole (nothing loaded) on broken JSON, naming the file and position.
  Status LoadJson(std::string_view json_text, const std::string& source);

  // Keys that no step knows, to warn about (typos would otherwise pass silently).
  std::vector<std::string> UnknownKeys(const std::vector<std::string_view>& known) const;

  // 'setting KEY="VALUE" (from SOURCE)': the start of every message about a bad value,
  // for steps that validate values themselves (addresses, lists).
  std::string Describe(const std::string& key, const Setting& setting) const;

 private:
  std::map<std::string, Setting> values_;
};

}  // namespace umla::agent
