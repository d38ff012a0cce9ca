#include "host-bridge/bake/bake_apply.h"

#include <algorithm>
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

// Keeps the original of a file bake is about to change, once. A backup already there
// is never replaced: without a manifest entry it is from a bake whose manifest was
// lost, and it holds the original while the file may hold that bake's edit.
// `*kept_in` says where, for the "~" line printed once the file is changed.
Status KeepOriginal(const std::string& path, const std::string& original, uint32_t mode,
                    RootTree& tree, Manifest* manifest, std::string* kept_in) {
  if (manifest->Has(path)) return Status::Ok();
  if (!tree.IsDirectory(kBackupDir)) {
    Status made = tree.MakeDirectory(kBackupDir);
    if (!made.ok()) return made;
    manifest->Add({ManifestEntry::Kind::kDirectory, kBackupDir, "", 0755});
  }
  std::string backup = BackupPathFor(path);
  bool earlier = tree.Exists(backup);
  if (!earlier) {
    Status kept = tree.WriteFile(backup, original, "", 0600);
    if (!kept.ok()) return kept;
  }
  manifest->Add({ManifestEntry::Kind::kEdit, path, backup, mode});
  *kept_in = "original kept in " + backup + (earlier ? " by an earlier bake" : "");
  return Status::Ok();
}

// Writes a file bake changes, keeping its original first; the "~" line follows the
// change (never a line for a change that failed). A file the manifest lists already
// (bake wrote it, or kept its original before) is changed with a line too.
Status Change(const std::string& path, const std::string& original, const std::string& content,
              uint32_t mode, RootTree& tree, Manifest* manifest, std::ostream& out) {
  std::string kept_in;
  Status kept = KeepOriginal(path, original, mode, tree, manifest, &kept_in);
  if (!kept.ok()) return kept;
  Status written = tree.WriteFile(path, content, "", mode);
  if (!written.ok()) return written;
  if (kept_in.empty()) {
    auto listed = std::find_if(manifest->entries.begin(), manifest->entries.end(),
                               [&](const ManifestEntry& entry) { return entry.path == path; });
    bool edit = listed != manifest->entries.end() && listed->kind == ManifestEntry::Kind::kEdit;
    kept_in = edit ? "original kept in " + listed->backup : std::string("updated");
  }
  out << "~ " << path << " (" << kept_in << ")\n";
  return written;
}

// A file already as bake wants it, missing from the manifest but with a backup: the
// manifest of the bake that changed it was lost. The edit is listed again, so that
// --uninstall restores the original.
void AdoptBackup(const std::string& path, uint32_t mode, RootTree& tree, Manifest* manifest) {
  std::string backup = BackupPathFor(path);
  if (manifest->Has(path) || !tree.Exists(backup)) return;
  manifest->Add({ManifestEntry::Kind::kEdit, path, backup, mode});
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
      Result<std::optional<std::string>> read = tree.ReadFile(item.path);
      if (!read.ok()) return read.status();
      const std::optional<std::string>& have = *read;
      if (have && *have == *want) {
        AdoptBackup(item.path, item.mode, tree, manifest);
        out << "= " << item.path << " (unchanged)\n";
        return Status::Ok();
      }
      if (have && item.keep_existing) {
        out << "= " << item.path << " (kept as it is)\n";
        return Status::Ok();
      }
      Status written = have ? Change(item.path, *have, *want, item.mode, tree, manifest, out)
                            : tree.WriteFile(item.path, *want, "", item.mode);
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
      Result<std::optional<std::string>> read = tree.ReadFile(item.path);
      if (!read.ok()) return read.status();
      const std::optional<std::string>& have = *read;
      if (!have) return Status::Error(item.path + " disappeared while baking");
      if (*have == item.content) {
        AdoptBackup(item.path, item.mode, tree, manifest);
        out << "= " << item.path << " (already edited)\n";
        return Status::Ok();
      }
      return Change(item.path, *have, item.content, item.mode, tree, manifest, out);
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
    ManifestEntry entry{ManifestEntry::Kind::kFile, guest, "", 0644};
    if (it->is_symlink()) {
      done = tree.MakeSymlink(guest, fs::read_symlink(it->path()).string());
      entry.kind = ManifestEntry::Kind::kSymlink;
    } else if (it->is_directory()) {
      done = tree.MakeDirectory(guest);
      entry.kind = ManifestEntry::Kind::kDirectory;
    } else if (it->is_regular_file()) {
      done = tree.WriteFile(guest, "", it->path().string(), 0644);
      ++files;
    } else {
      continue;
    }
    if (!done.ok()) return done;
    manifest->Add(entry);  // only what was made
  }
  out << "+ " << guest_dir << "/ (" << files << " files from " << host_dir << ")\n";
  return Status::Ok();
}

Status ApplyBakePlan(const BakePlan& plan, RootTree& tree, Manifest* manifest, std::ostream& out) {
  for (const BakeItem& item : plan.items) {
    Status applied = ApplyBakeItem(item, tree, manifest, out);
    if (!applied.ok()) return applied;
  }
  // A bake that no longer needs the wrapper drops the kernel arguments an earlier one
  // wrote (only a file bake made: an edited one is the user's, restored by --uninstall).
  auto& entries = manifest->entries;
  auto made_args = std::find_if(entries.begin(), entries.end(), [](const ManifestEntry& e) {
    return e.path == kKernelArgsPath && e.kind == ManifestEntry::Kind::kFile;
  });
  if (plan.kernel_args.empty() && made_args != entries.end()) {
    Status removed = tree.Remove(kKernelArgsPath);
    if (!removed.ok()) return removed;
    entries.erase(made_args);
    out << "- " << kKernelArgsPath << "\n";
  }
  if (plan.modules) {
    if (tree.Exists(plan.modules->guest_dir)) {
      out << "= " << plan.modules->guest_dir << " (present)\n";
      return Status::Ok();
    }
    return CopyHostTree(plan.modules->host_dir, plan.modules->guest_dir, tree, manifest, out);
  }
  return Status::Ok();
}

}  // namespace umla::bridge
