// Which distribution network files the net step writes, and with what content, and
// which of its own files it takes out of use: the layout is detected through the
// FileSystem seam, the contents are rendered purely.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/steps/net/net_settings.h"
#include "agent/steps/net/persistent_files.h"
#include "agent/steps/net/stale_files.h"
#include "agent/system/file_system.h"

namespace umla::agent {

struct FileWrite {
  std::string path;
  std::string content;
  // The file's content when ChangedFiles read it (nullopt: missing or unreadable),
  // handed to WriteFileAtomic so it does not read the file again.
  std::optional<std::string> current = std::nullopt;
  // Written only over a file that is there (ChangedFiles drops it otherwise).
  bool only_if_present = false;
};

NetworkLayout DetectNetworkLayout(FileSystem& files);

// Every file the layout calls for, rendered. `current_interfaces` is the image's
// /etc/network/interfaces (empty when missing); it is only used for ifupdown.
std::vector<FileWrite> PlanPersistentFiles(const NetworkLayout& layout, const std::string& iface,
                                           const GuestNetConfig& config,
                                           const std::string& current_interfaces);

// The directories of the layout the agent writes its own files into, with their
// names' prefixes (for FindStaleFiles).
std::vector<AgentFileDirectory> AgentFileDirectories(const NetworkLayout& layout);

// The writes whose content differs from the file's (missing files differ).
std::vector<FileWrite> ChangedFiles(FileSystem& files, const std::vector<FileWrite>& writes);

// Writes each file atomically, creating its directory when missing (one level).
// Appends "+ write PATH" to `changes` per file written; a file that cannot be written
// does not keep the others back (every failure is in the returned error).
Status WriteFiles(FileSystem& files, const std::vector<FileWrite>& writes,
                  std::vector<std::string>* changes);

// What the net step changes in the distribution's files: with net.persist, its files
// for the interface written; its files for any other interface (without net.persist,
// all of them) taken out of use; /etc/network/interfaces made to match.
struct DistributionFiles {
  std::vector<FileRemoval> removals;
  std::vector<FileWrite> writes;
  std::vector<std::string> errors;  // what could not be looked at, named
};

// Looks for files to remove only at a boot that writes a file (a new net.iface always
// does: its files are new) and with net.persist=no: each directory listed costs ~4
// syscalls inside UML, which a boot that changes nothing does not pay.
DistributionFiles PlanDistributionFiles(FileSystem& files, const NetSettings& net);
// The plan lines: removals, then writes.
std::vector<std::string> DescribeDistributionFiles(const DistributionFiles& plan);
// Removes, then writes (a boot cut short between them leaves the new interface's files
// missing, so the next boot looks again). Each failure is named; none stops the rest.
Status ApplyDistributionFiles(FileSystem& files, const DistributionFiles& plan,
                              std::vector<std::string>* changes);

}  // namespace umla::agent
