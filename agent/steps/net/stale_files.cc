#include "agent/steps/net/stale_files.h"

#include <algorithm>

#include "agent/steps/net/persistent_files.h"
#include "common/strings.h"

namespace umla::agent {
namespace {

// Where a file goes when its hidden name holds one that stays (PlanStaleFiles).
constexpr const char* kOlderSuffix = ".old";

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Named(const AgentFileDirectory& dir, const std::string& name) {
  return dir.dir + "/" + name;
}

bool Listed(const std::vector<std::string>& names, const std::string& name) {
  return std::binary_search(names.begin(), names.end(), name);
}

bool Prefixed(const AgentFileDirectory& dir, const std::string& name) {
  for (const auto& prefix : dir.prefixes) {
    if (StartsWith(name, prefix)) return true;
  }
  return false;
}

// NAME without a backup suffix.
std::string BackedUpName(const std::string& name) {
  for (const char* suffix : {kBackupSuffix, kPreviousSuffix}) {
    if (EndsWith(name, suffix)) return name.substr(0, name.size() - std::string(suffix).size());
  }
  return name;
}

}  // namespace

bool IsVisibleBackup(const AgentFileDirectory& dir, const std::string& name) {
  std::string base = BackedUpName(name);
  return base != name && Prefixed(dir, name) &&
         OldVersionBase(Named(dir, base)) != Named(dir, base);
}

bool MayBeStale(const AgentFileDirectory& dir, const std::string& name,
                const std::set<std::string>& wanted) {
  // The backups of a file the agent still writes stay with it.
  return Prefixed(dir, name) && !wanted.count(Named(dir, BackedUpName(name)));
}

StaleFiles PlanStaleFiles(const AgentFileDirectory& dir, const std::vector<std::string>& names,
                          const std::map<std::string, std::string>& contents,
                          const std::set<std::string>& wanted) {
  StaleFiles stale;
  auto ours = [&](const std::string& name) {
    auto it = contents.find(name);
    return it != contents.end() && IsNetStepFile(it->second);
  };
  auto same = [&](const std::string& a, const std::string& b) {
    auto first = contents.find(a), second = contents.find(b);
    return first != contents.end() && second != contents.end() && first->second == second->second;
  };
  std::set<std::string> planned;  // hidden names given in this plan: taken as well
  for (const std::string& name : names) {
    bool stale_file = MayBeStale(dir, name, wanted) && ours(name);
    bool visible_backup = IsVisibleBackup(dir, name);
    if (!stale_file && !visible_backup) continue;
    // A hidden name that is there already is replaced only where nothing is lost (see
    // the header): the same content, or (`agent_file_may_go`) a file of the agent's.
    auto may_replace = [&](const std::string& taken, bool agent_file_may_go) {
      if (planned.count(taken)) return false;
      return !Listed(names, taken) || same(name, taken) || (agent_file_may_go && ours(taken));
    };
    // Where the hidden name holds what must stay, this one goes beside it as .NAME.old
    // rather than stay visible, read as configuration. An older .prev never replaces
    // a newer one of the agent's.
    std::string hidden = "." + name;
    bool older_prev = visible_backup && EndsWith(name, kPreviousSuffix);
    if (!may_replace(hidden, !older_prev)) hidden += kOlderSuffix;
    if (!may_replace(hidden, true)) {
      stale.errors.push_back(Named(dir, hidden) + " is in the way (not a file of uml-agent's): " +
                             Named(dir, name) + " is left in place");
      continue;
    }
    planned.insert(hidden);
    FileRemoval removal{Named(dir, name), Named(dir, hidden)};
    // The image's own file, as its first backup kept it: under the visible name an
    // earlier agent gave backups, or where such a one went aside (the older, so the
    // original, when there is another), then the hidden one.
    for (std::string backup : {name + kBackupSuffix, "." + name + kBackupSuffix + kOlderSuffix,
                               "." + name + kBackupSuffix}) {
      auto original = contents.find(backup);
      if (original == contents.end()) continue;
      if (!IsNetStepFile(original->second)) {
        removal.restore = original->second;
        removal.restore_from = backup;
      }
      break;
    }
    stale.removals.push_back(std::move(removal));
  }
  return stale;
}

StaleFiles FindStaleFiles(FileSystem& files, const std::vector<AgentFileDirectory>& dirs,
                          const std::set<std::string>& wanted) {
  StaleFiles found;
  for (const AgentFileDirectory& dir : dirs) {
    Result<std::vector<std::string>> names = files.ListDirectory(dir.dir);
    if (!names.ok()) {
      found.errors.push_back(names.status().message());
      continue;
    }
    std::map<std::string, std::string> contents;
    for (const std::string& name : *names) {
      std::string visible = StartsWith(name, ".") ? name.substr(1) : name;
      if (!MayBeStale(dir, visible, wanted) && !IsVisibleBackup(dir, visible)) continue;
      // One that cannot be read (a directory, a dangling symlink) is not known to be
      // the agent's: it stays where it is.
      Result<std::string> content = files.ReadFile(Named(dir, name));
      if (content.ok()) contents[name] = std::move(*content);
    }
    StaleFiles stale = PlanStaleFiles(dir, *names, contents, wanted);
    for (auto& removal : stale.removals) found.removals.push_back(std::move(removal));
    for (auto& error : stale.errors) found.errors.push_back(std::move(error));
  }
  return found;
}

std::vector<std::string> DescribeRemoval(const FileRemoval& removal) {
  const std::string& hidden = removal.hidden;
  std::vector<std::string> lines{"- remove " + removal.path + " (kept as " +
                                 hidden.substr(hidden.rfind('/') + 1) + ")"};
  if (removal.restore) {
    lines.push_back("+ restore " + removal.path + " from " + removal.restore_from);
  }
  return lines;
}

Status RemoveStaleFiles(FileSystem& files, const std::vector<FileRemoval>& removals,
                        std::vector<std::string>* changes) {
  std::vector<std::string> errors;
  for (const FileRemoval& removal : removals) {
    std::vector<std::string> lines = DescribeRemoval(removal);
    Status hidden = files.HideFile(removal.path, removal.hidden);
    if (!hidden.ok()) {
      errors.push_back(hidden.message());
      continue;
    }
    changes->push_back(lines[0]);
    if (!removal.restore) continue;
    Status restored = files.WriteFileAtomic(removal.path, *removal.restore);
    if (restored.ok()) {
      changes->push_back(lines[1]);
    } else {
      errors.push_back(restored.message());
    }
  }
  return JoinErrors(errors);
}

}  // namespace umla::agent
