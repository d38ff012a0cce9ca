#include "agent/core/settings.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "agent/core/kernel_cmdline.h"
#include "common/strings.h"
#include "protocol/events.h"

namespace umla::agent {

void Settings::Set(const std::string& key, std::string value, std::string source) {
  values_[key] = Setting{std::move(value), std::move(source)};
}

std::optional<Setting> Settings::Get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Settings::Describe(const std::string& key, const Setting& setting) const {
  return "setting " + key + "=\"" + SanitizeForTerminal(setting.value, 128) + "\" (from " +
         setting.source + ")";
}

Result<std::string> Settings::String(const std::string& key, std::string_view fallback) const {
  auto setting = Get(key);
  if (!setting) return std::string(fallback);
  return setting->value;
}

Result<bool> Settings::Bool(const std::string& key, bool fallback) const {
  auto setting = Get(key);
  if (!setting) return fallback;
  const std::string& v = setting->value;
  if (v == "1" || v == "yes" || v == "true" || v == "on") return true;
  if (v == "0" || v == "no" || v == "false" || v == "off") return false;
  return Status::Error(Describe(key, *setting) + ": expected yes/no, true/false, on/off or 1/0");
}

Result<uint64_t> Settings::Unsigned(const std::string& key, uint64_t fallback, uint64_t min,
                                    uint64_t max) const {
  auto setting = Get(key);
  if (!setting) return fallback;
  auto value = ParseUnsigned(setting->value, max);
  if (!value || *value < min) {
    return Status::Error(Describe(key, *setting) + ": expected a whole number from " +
                         std::to_string(min) + " to " + std::to_string(max));
  }
  return *value;
}

Result<std::string> Settings::Path(const std::string& key, std::string_view fallback,
                                   bool allow_empty) const {
  auto setting = Get(key);
  std::string value = setting ? setting->value : std::string(fallback);
  if (value.empty() && allow_empty) return value;
  if (!IsPlainAbsolutePath(value)) {
    Setting shown = setting ? *setting : Setting{value, "default"};
    return Status::Error(Describe(key, shown) + ": expected an absolute path without \"..\"");
  }
  return value;
}

void Settings::LoadKernelCmdline(std::string_view cmdline, std::vector<std::string>* warnings) {
  std::map<std::string, int> seen;
  for (const CmdlineParam& param : ParseKernelCmdline(cmdline)) {
    if (!StartsWith(param.key, kCmdlinePrefix)) continue;
    std::string key = param.key.substr(kCmdlinePrefix.size());
    if (++seen[key] == 2) {
      warnings->push_back("kernel command line: " + param.key +
                          " is given more than once; the last one wins");
    }
    Set(key, param.has_value ? param.value : "1", "kernel command line");
  }
}

namespace {

void Flatten(const nlohmann::json& node, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>* out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      Flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    }
  } else if (node.is_string()) {
    out->emplace_back(prefix, node.get<std::string>());
  } else if (node.is_boolean()) {
    out->emplace_back(prefix, node.get<bool>() ? "true" : "false");
  } else if (node.is_array()) {
    // Lists (routes, nameservers) are kept as comma-separated values, as on the cmdline.
    std::string joined;
    for (const auto& item : node) {
      if (!joined.empty()) joined += ',';
      joined += item.is_string() ? item.get<std::string>()
                                 : protocol::JsonText(item);
    }
    out->emplace_back(prefix, joined);
  } else if (!node.is_null()) {
    out->emplace_back(prefix, protocol::JsonText(node));
  }
}

}  // namespace

Status Settings::LoadJson(std::string_view json_text, const std::string& source) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& error) {
    // A parse error knows its byte offset (turned into a line people can use); a
    // number out of range (found by fuzzing) does not, and names no line.
    auto* parse_error = dynamic_cast<const nlohmann::json::parse_error*>(&error);
    if (!parse_error) return Status::Error(source + ": not valid JSON (" + error.what() + ")");
    size_t offset = std::min<size_t>(parse_error->byte, json_text.size());
    size_t line = 1 + static_cast<size_t>(
                          std::count(json_text.begin(), json_text.begin() + offset, '\n'));
    return Status::Error(source + ":" + std::to_string(line) + ": not valid JSON (" +
                         error.what() + ")");
  }
  if (!document.is_object()) return Status::Error(source + ": expected a JSON object");
  std::vector<std::pair<std::string, std::string>> flat;
  Flatten(document, "", &flat);
  for (auto& [key, value] : flat) Set(key, std::move(value), source);
  return Status::Ok();
}

std::vector<std::string> Settings::UnknownKeys(const std::vector<std::string_view>& known) const {
  std::vector<std::string> unknown;
  for (const auto& [key, setting] : values_) {
    if (std::find(known.begin(), known.end(), key) == known.end()) unknown.push_back(key);
  }
  return unknown;
}

}  // namespace umla::agent
