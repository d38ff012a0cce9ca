#include "host-bridge/bake/bake_apply.h"

namespace umla::bridge {
namespace {

Status UndoEntry(const ManifestEntry& entry, RootTree& tree, std::ostream& out) {
  switch (entry.kind) {
    case ManifestEntry::Kind::kFile:
    case ManifestEntry::Kind::kSymlink:
      return tree.Remove(entry.path);
    case ManifestEntry::Kind::kDirectory:
      return tree.RemoveDirectory(entry.path);
    case ManifestEntry::Kind::kEdit: {
      Result<std::optional<std::string>> read = tree.ReadFile(entry.backup);
      if (!read.ok()) return read.status();
      const std::optional<std::string>& original = *read;
      if (!original)
        return Status::Error("the backup " + entry.backup + " of " + entry.path + " is gone");
      Status done = tree.WriteFile(entry.path, *original, "", entry.mode);
      if (done.ok()) done = tree.Remove(entry.backup);
      if (done.ok()) out << "~ " << entry.path << " (restored)\n";
      return done;
    }
  }
  return Status::Ok();
}

}  // namespace

Status UndoManifest(const Manifest& manifest, RootTree& tree, std::ostream& out) {
  // The manifest goes last, just before the directory holding it, so that a failure
  // before can still list what is left in it.
  bool removed = false;
  auto remove_manifest = [&] {
    Status done = tree.Remove(kManifestPath);
    removed = done.ok();
    return done;
  };
  size_t quiet = 0;
  size_t left = manifest.entries.size();
  Status failed;
  for (; left > 0; --left) {
    const ManifestEntry& entry = manifest.entries[left - 1];
    if (!removed && entry.kind == ManifestEntry::Kind::kDirectory &&
        std::string(kManifestPath).rfind(entry.path + "/", 0) == 0) {
      failed = remove_manifest();
      if (!failed.ok()) break;
    }
    failed = UndoEntry(entry, tree, out);
    if (!failed.ok()) break;
    if (entry.kind == ManifestEntry::Kind::kEdit) continue;  // its line is printed
    // Module trees are long: one line for them, not one per file.
    bool verbose = entry.path.find("/modules/") == std::string::npos ||
                   entry.path.rfind('/') <= entry.path.find("/modules/") + 8;
    if (verbose)
      out << "- " << entry.path << "\n";
    else
      ++quiet;
  }
  if (quiet > 0) out << "  (and " << quiet << " more entries)\n";
  if (failed.ok()) return removed ? Status::Ok() : remove_manifest();
  // What is not undone stays listed, so that --uninstall can be run again (unless the
  // manifest's own directory is gone: only directories are left then).
  if (removed) return failed;
  Manifest rest = manifest;
  rest.entries.resize(left);
  Status kept = tree.WriteFile(kManifestPath, RenderManifest(rest), "", 0644);
  if (!kept.ok()) return Status::Error(failed.message() + "; and " + kept.message());
  return failed;
}

}  // namespace umla::bridge
