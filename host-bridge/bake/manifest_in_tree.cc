#include "host-bridge/bake/manifest_in_tree.h"

#include "host-bridge/bake/root_tree.h"

namespace umla::bridge {

Result<std::optional<Manifest>> ReadManifest(TreeView& tree) {
  std::optional<Manifest> manifest;
  Result<std::optional<std::string>> text = tree.ReadFile(kManifestPath);
  if (!text.ok()) return text.status();
  if (*text) {
    Result<Manifest> parsed = ParseManifest(**text, kManifestPath);
    if (!parsed.ok()) return parsed.status();
    manifest = std::move(*parsed);
  }
  std::string temp = TempNameFor(kManifestPath);
  Result<std::optional<std::string>> newer = tree.ReadFile(temp);
  if (!newer.ok()) return newer.status();  // it may list what only it knows of
  if (!*newer) return manifest;
  Result<Manifest> left = ParseManifest(**newer, temp);
  if (!left.ok()) return manifest;  // its write was cut short: there is nothing to go by
  if (!manifest) return std::optional<Manifest>(std::move(*left));
  manifest->init = left->init;
  manifest->kernel_args = left->kernel_args;
  for (ManifestEntry& entry : left->entries) manifest->Add(std::move(entry));
  return manifest;
}

}  // namespace umla::bridge
