// What a bake added to a root tree, kept in the tree itself
// (/var/lib/uml-agent/bake-manifest.json), so `bake --uninstall` removes exactly
// that: the files and links it wrote, the directories it created, and the files it
// edited (restored from the backup it kept). Pure: text in and out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace umla::bridge {

struct ManifestEntry {
  enum class Kind { kDirectory, kFile, kSymlink, kEdit };
  Kind kind = Kind::kFile;
  std::string path;
  std::string backup;    // kEdit: where the original content was kept
  uint32_t mode = 0644;  // kEdit: the mode to restore the original with
};

struct Manifest {
  std::string init;                    // "systemd", ...
  std::string kernel_args;             // as in /etc/uml-agent/kernel-args ("" when none)
  std::vector<ManifestEntry> entries;  // in the order they were made

  bool Has(const std::string& path) const;
  void Add(ManifestEntry entry);  // once per path
};

std::string RenderManifest(const Manifest& manifest);
// Fails naming `source` on anything it did not write (paths must be absolute).
Result<Manifest> ParseManifest(std::string_view text, const std::string& source);

}  // namespace umla::bridge
