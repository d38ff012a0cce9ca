// The agent's own network files that it no longer writes (net.iface changed, or
// net.persist=no), so that the distribution stops configuring an interface from them.
// A file is the agent's by its name (a prefix the agent gives its files there) and by
// the net step's marker on its first line; it is taken out of use and kept
// (FileSystem::HideFile), never deleted. Where the agent had replaced a file of the
// image's own (Red Hat's ifcfg-IFACE: its first backup FILE.uml-agent.bak has no
// marker), that file is put back. Backups under the visible names an earlier agent
// gave them there (NAME.uml-agent.bak, read as configuration by ifupdown's glob or
// Red Hat's scripts) move to the hidden ones it gives them now (BackupPath).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/system/file_system.h"

namespace umla::agent {

// A directory the agent writes its own files into, and the prefixes of their names.
struct AgentFileDirectory {
  std::string dir;
  std::vector<std::string> prefixes;
};

struct FileRemoval {
  std::string path;
  std::string hidden;                  // where it goes: HiddenPath(path), or see PlanStaleFiles
  std::optional<std::string> restore;  // then written back with this: the image's own file
  std::string restore_from;            // the backup's name that `restore` came from
};

struct StaleFiles {
  std::vector<FileRemoval> removals;
  std::vector<std::string> errors;  // directories not listed, hidden names taken: named
};

// Whether entry `name` of `dir` may be a stale file of the agent's: a name with one of
// the prefixes (or its backup, NAME.uml-agent.bak or .prev) that is not a `wanted` path.
bool MayBeStale(const AgentFileDirectory& dir, const std::string& name,
                const std::set<std::string>& wanted);

// Whether entry `name` of `dir` is a backup of one of the agent's names under the
// visible name (NAME.uml-agent.bak or .prev) in a directory whose backups are hidden
// now (OldVersionBase): its HiddenPath is the name a backup gets there today.
bool IsVisibleBackup(const AgentFileDirectory& dir, const std::string& name);

// The removals in `dir`, from its entry names (sorted) and the contents of those read
// (by name): every name that MayBeStale with the marker, and every IsVisibleBackup.
// A hidden name that is taken is replaced when that loses nothing: same content, or a
// file of the agent's (the marker) where the one moving there is a stale file or a
// first backup (.bak: the older, so the original). Otherwise the file goes to
// .NAME.old instead, under the same rule; so does a visible .prev whose hidden .prev
// has other content (the agent writes only hidden ones now: that one is newer). When
// .NAME.old is taken too, an error, the file left in place. Pure.
StaleFiles PlanStaleFiles(const AgentFileDirectory& dir, const std::vector<std::string>& names,
                          const std::map<std::string, std::string>& contents,
                          const std::set<std::string>& wanted);

// Lists each directory and reads what may be stale or is a visible backup (and the
// hidden names those would take), then plans. A directory that cannot be listed is an error naming it; an entry
// that cannot be read is not known to be the agent's and stays.
StaleFiles FindStaleFiles(FileSystem& files, const std::vector<AgentFileDirectory>& dirs,
                          const std::set<std::string>& wanted);

// The plan lines of one removal: "- remove PATH (kept as .NAME)", and "+ restore
// PATH from BACKUP" when the image's file comes back.
std::vector<std::string> DescribeRemoval(const FileRemoval& removal);

// Hides each file, then writes back the image's own where there is one. Appends the
// plan lines of what was done to `changes`; one failure does not stop the others, each
// is named.
Status RemoveStaleFiles(FileSystem& files, const std::vector<FileRemoval>& removals,
                        std::vector<std::string>* changes);

}  // namespace umla::agent
