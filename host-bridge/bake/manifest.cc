#include "host-bridge/bake/manifest.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "protocol/events.h"

namespace umla::bridge {
namespace {

const char* KindName(ManifestEntry::Kind kind) {
  switch (kind) {
    case ManifestEntry::Kind::kDirectory:
      return "directory";
    case ManifestEntry::Kind::kFile:
      return "file";
    case ManifestEntry::Kind::kSymlink:
      return "symlink";
    case ManifestEntry::Kind::kEdit:
      return "edit";
  }
  return "?";
}

}  // namespace

bool Manifest::Has(const std::string& path) const {
  return std::any_of(entries.begin(), entries.end(),
                     [&](const ManifestEntry& entry) { return entry.path == path; });
}

void Manifest::Add(ManifestEntry entry) {
  if (!Has(entry.path)) entries.push_back(std::move(entry));
}

std::string RenderManifest(const Manifest& manifest) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& entry : manifest.entries) {
    nlohmann::json item = {{"kind", KindName(entry.kind)}, {"path", entry.path}};
    if (!entry.backup.empty()) {
      item["backup"] = entry.backup;
      item["mode"] = entry.mode;
    }
    entries.push_back(item);
  }
  nlohmann::json json = {{"version", 1},
                         {"init", manifest.init},
                         {"kernel_args", manifest.kernel_args},
                         {"entries", entries}};
  return protocol::JsonText(json, 2) + "\n";
}

Result<Manifest> ParseManifest(std::string_view text, const std::string& source) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&](const std::string& why) {
    return Status::Error(source + ": not a bake manifest (" + why + ")");
  };
  if (json.is_discarded() || !json.is_object()) return bad("not a JSON object");
  try {
    if (json.at("version").get<int>() != 1) return bad("unknown version");
    Manifest manifest;
    manifest.init = json.at("init").get<std::string>();
    manifest.kernel_args = json.at("kernel_args").get<std::string>();
    for (const auto& item : json.at("entries")) {
      ManifestEntry entry;
      std::string kind = item.at("kind").get<std::string>();
      entry.path = item.at("path").get<std::string>();
      entry.backup = item.value("backup", "");
      entry.mode = item.value("mode", 0644u) & 07777u;
      if (entry.path.empty() || entry.path[0] != '/' ||
          entry.path.find("..") != std::string::npos) {
        return bad("entry path \"" + entry.path + "\" is not a clean absolute path");
      }
      bool known = false;
      for (auto candidate : {ManifestEntry::Kind::kDirectory, ManifestEntry::Kind::kFile,
                             ManifestEntry::Kind::kSymlink, ManifestEntry::Kind::kEdit}) {
        if (kind == KindName(candidate)) {
          entry.kind = candidate;
          known = true;
        }
      }
      if (!known) return bad("unknown entry kind \"" + kind + "\"");
      if (entry.kind == ManifestEntry::Kind::kEdit && entry.backup.empty()) {
        return bad("edit of " + entry.path + " without a backup");
      }
      manifest.entries.push_back(std::move(entry));
    }
    return manifest;
  } catch (const nlohmann::json::exception& error) {
    return bad(error.what());
  }
}

}  // namespace umla::bridge
