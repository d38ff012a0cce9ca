#include "host-bridge/bake/bake_apply.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace umla::bridge {
namespace {

std::optional<std::string> ReadHostFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string BackupPathFor(const std::string& path) {
  std::string flat = path.substr(1);
  for (char& c : flat) {
    if (c == '/') c = '_';
  }
  return std::string(kBackupDir) + "/" + flat;
}

// Keeps the original of a file we are about to change, once.
Status KeepOriginal(const std::string& path, const std::string& original, uint32_t mode,
                    RootTree& tree, Manifest* manifest, std::ostream& out) {
  if (manifest->Has(path)) return Status::Ok();
  if (!tree.IsDirectory(kBackupDir)) {
    Status made = tree.MakeDirectory(kBackupDir);
    if (!made.ok()) return made;
    manifest->Add({ManifestEntry::Kind::kDirectory, kBackupDir, "", 0755});
  }
  std::string backup = BackupPathFor(path);
  Status kept = tree.WriteFile(backup, original, "", 0600);
  if (!kept.ok()) return kept;
  manifest->Add({ManifestEntry::Kind::kEdit, path, backup, mode});
  out << "~ " << path << " (original kept in " << backup << ")\n";
  return Status::Ok();
}

}  // namespace

Status ApplyBakeItem(const BakeItem& item, RootTree& tree, Manifest* manifest, std::ostream& out) {
  switch (item.kind) {
    case BakeItem::Kind::kDirectory: {
      if (tree.Exists(item.path)) return Status::Ok();  // a directory, or a usrmerge link
      Status made = tree.MakeDirectory(item.path);
      if (made.ok()) {
        manifest->Add({ManifestEntry::Kind::kDirectory, item.path, "", 0755});
        out << "+ " << item.path << "/\n";
      }
      return made;
    }
    case BakeItem::Kind::kFile: {
      std::optional<std::string> want = item.content;
      if (!item.host_source.empty()) want = ReadHostFile(item.host_source);
      if (!want) return Status::Error("cannot read " + item.host_source);
      std::optional<std::string> have = tree.ReadFile(item.path);
      if (have && *have == *want) {
        out << "= " << item.path << " (unchanged)\n";
        return Status::Ok();
      }
      if (have && item.keep_existing) {
        out << "= " << item.path << " (kept as it is)\n";
        return Status::Ok();
      }
      if (have && !manifest->Has(item.path)) {
        Status kept = KeepOriginal(item.path, *have, item.mode, tree, manifest, out);
        if (!kept.ok()) return kept;
      }
      Status written = tree.WriteFile(item.path, *want, "", item.mode);
      if (!written.ok()) return written;
      if (!manifest->Has(item.path)) {
        manifest->Add({ManifestEntry::Kind::kFile, item.path, "", item.mode});
      }
      if (!have) out << "+ " << item.path << "\n";
      return Status::Ok();
    }
    case BakeItem::Kind::kSymlink: {
      if (tree.LinkTarget(item.path) == item.target) {
        out << "= " << item.path << " -> " << item.target << " (unchanged)\n";
        return Status::Ok();
      }
      Status linked = tree.MakeSymlink(item.path, item.target);
      if (linked.ok()) {
        manifest->Add({ManifestEntry::Kind::kSymlink, item.path, "", 0777});
        out << "+ " << item.path << " -> " << item.target << "\n";
      }
      return linked;
    }
    case BakeItem::Kind::kEdit: {
      std::optional<std::string> have = tree.ReadFile(item.path);
      if (!have) return Status::Error(item.path + " disappeared while baking");
      if (*have == item.content) {
        out << "= " << item.path << " (already edited)\n";
        return Status::Ok();
      }
      Status kept = KeepOriginal(item.path, *have, item.mode, tree, manifest, out);
      if (!kept.ok()) return kept;
      return tree.WriteFile(item.path, item.content, "", item.mode);
    }
  }
  return Status::Ok();
}

Status CopyHostTree(const std::string& host_dir, const std::string& guest_dir, RootTree& tree,
                    Manifest* manifest, std::ostream& out) {
  std::error_code ec;
  if (!fs::is_directory(host_dir, ec)) return Status::Error(host_dir + ": no such directory");
  Status made = tree.MakeDirectory(guest_dir);
  if (!made.ok()) return made;
  manifest->Add({ManifestEntry::Kind::kDirectory, guest_dir, "", 0755});
  size_t files = 0;
  for (auto it = fs::recursive_directory_iterator(host_dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::Error("reading " + host_dir + ": " + ec.message());
    std::string relative = fs::relative(it->path(), host_dir).string();
    std::string guest = guest_dir + "/" + relative;
    Status done;
    if (it->is_symlink()) {
      done = tree.MakeSymlink(guest, fs::read_symlink(it->path()).string());
      manifest->Add({ManifestEntry::Kind::kSymlink, guest, "", 0777});
    } else if (it->is_directory()) {
      done = tree.MakeDirectory(guest);
      manifest->Add({ManifestEntry::Kind::kDirectory, guest, "", 0755});
    } else if (it->is_regular_file()) {
      done = tree.WriteFile(guest, "", it->path().string(), 0644);
      manifest->Add({ManifestEntry::Kind::kFile, guest, "", 0644});
      ++files;
    }
    if (!done.ok()) return done;
  }
  out << "+ " << guest_dir << "/ (" << files << " files from " << host_dir << ")\n";
  return Status::Ok();
}

Status UndoManifest(const Manifest& manifest, RootTree& tree, std::ostream& out) {
  Status removed = tree.Remove(kManifestPath);
  if (!removed.ok()) return removed;
  size_t quiet = 0;
  for (auto it = manifest.entries.rbegin(); it != manifest.entries.rend(); ++it) {
    const ManifestEntry& entry = *it;
    Status done;
    // Module trees are long: one line for them, not one per file.
    bool verbose = entry.path.find("/modules/") == std::string::npos ||
                   entry.path.rfind('/') <= entry.path.find("/modules/") + 8;
    switch (entry.kind) {
      case ManifestEntry::Kind::kFile:
      case ManifestEntry::Kind::kSymlink:
        done = tree.Remove(entry.path);
        break;
      case ManifestEntry::Kind::kDirectory:
        done = tree.RemoveDirectory(entry.path);
        break;
      case ManifestEntry::Kind::kEdit: {
        std::optional<std::string> original = tree.ReadFile(entry.backup);
        if (!original)
          return Status::Error("the backup " + entry.backup + " of " + entry.path + " is gone");
        done = tree.WriteFile(entry.path, *original, "", entry.mode);
        if (done.ok()) done = tree.Remove(entry.backup);
        if (!done.ok()) return done;
        out << "~ " << entry.path << " (restored)\n";
        continue;
      }
    }
    if (!done.ok()) return done;
    if (verbose)
      out << "- " << entry.path << "\n";
    else
      ++quiet;
  }
  if (quiet > 0) out << "  (and " << quiet << " more entries)\n";
  return Status::Ok();
}

}  // namespace umla::bridge
