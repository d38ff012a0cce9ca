#include "host-bridge/preflight/preflight.h"

#include <optional>

#include "host-bridge/preflight/ubd_options.h"

namespace umla::bridge {
namespace {

struct Use {
  const RunningGuest* guest;
  bool writes;  // the guest writes this file (not a backing file, not ubdNr)
};

std::string Describe(const RunningGuest& guest) {
  return "guest " + guest.umid + " (pid " + std::to_string(guest.pid) + ")";
}

std::string Resolve(const std::string& path, const std::string& cwd) {
  if (path.empty() || path[0] == '/' || cwd.empty()) return path;
  return cwd + "/" + path;
}

// The first running guest that has `target` as one of its ubd files, and how.
std::optional<Use> FindUse(const PathInfo& target, const std::vector<RunningGuest>& guests,
                           HostProbe& host) {
  if (!target.exists) return std::nullopt;
  for (const auto& guest : guests) {
    auto options = FindUbdOptions(guest.args);
    if (!options.ok()) continue;
    for (const auto& option : *options) {
      PathInfo file = host.Path(Resolve(option.file, guest.cwd));
      if (file.exists && file.device == target.device && file.inode == target.inode) {
        return Use{&guest, !option.read_only && !option.shared};
      }
      if (!option.cow()) continue;
      PathInfo backing = host.Path(Resolve(option.backing, guest.cwd));
      if (backing.exists && backing.device == target.device && backing.inode == target.inode) {
        return Use{&guest, false};
      }
    }
  }
  return std::nullopt;
}

class Checker {
 public:
  Checker(HostProbe& host, PreflightReport& report) : host_(host), report_(report) {}

  void Add(Severity severity, std::string message) {
    report_.findings.push_back({severity, std::move(message)});
  }

  // Exists, is a file, can be read, and written unless the guest only reads it.
  void CheckFile(const std::string& what, const std::string& path, bool writes, bool may_be_missing) {
    PathInfo info = host_.Path(path);
    if (!info.exists && may_be_missing) {
      if (!info.writable) Add(Severity::kError, what + " " + path + ": cannot be created: " + info.error);
      else Add(Severity::kNote, what + " " + path + " does not exist yet; the kernel creates it");
      return;
    }
    std::string problem;
    if (!info.exists) problem = info.error.empty() ? "does not exist" : info.error;
    else if (info.is_dir) problem = "is a directory";
    else if (!info.readable) problem = "cannot be read";
    else if (writes && !info.writable) problem = "cannot be written (use ubdNr= for a read-only disk)";
    if (!problem.empty()) Add(Severity::kError, what + " " + path + ": " + problem);
  }

  // A file this guest writes must not be in any running guest's hands; a file it only
  // reads must not be one a running guest writes.
  void CheckNotInUse(const std::string& what, const std::string& path, bool writes,
                     const std::vector<RunningGuest>& guests) {
    std::optional<Use> use = FindUse(host_.Path(path), guests, host_);
    if (use && (writes || use->writes)) {
      Add(Severity::kError, what + " " + path + " is in use by " + Describe(*use->guest) +
                                (writes ? "" : ", which writes to it"));
    }
  }

  void CheckRootFs(const UbdOption& root, const std::vector<RunningGuest>& guests) {
    const std::string& image = root.image();
    if (!host_.LooksLikeExtFs(image)) {
      Add(Severity::kNote, "root image " + image + " is not an ext2/3/4 filesystem; not checked");
      return;
    }
    std::optional<Use> use = FindUse(host_.Path(image), guests, host_);
    if (use) {
      Add(Severity::kNote, "backing image " + image + " is shared with " + Describe(*use->guest) +
                               "; checked when the first guest started");
      return;
    }
    // A backing file must never change: every COW layer over it records its mtime.
    bool read_only = root.cow() || root.read_only;
    Result<FsckResult> fsck = host_.Fsck(image, read_only);
    std::string command = std::string("e2fsck ") + (read_only ? "-n " : "-p ") + image;
    if (!fsck.ok()) {
      Add(Severity::kWarning, "root image not checked: " + fsck.status().message());
    } else if (fsck->status > 1) {
      Add(Severity::kError, command + " exited with " + std::to_string(fsck->status) +
                                "; not starting the kernel. e2fsck said:\n" + fsck->output);
    } else if (fsck->status == 1) {
      // Also what a forced check of an image not cleanly unmounted gives: not a warning.
      Add(Severity::kNote, command + " corrected the filesystem (exit 1):\n" + fsck->output);
    } else {
      Add(Severity::kNote, command + ": clean");
    }
  }

  void CheckMemory(const std::vector<std::string>& args, const std::vector<RunningGuest>& guests) {
    std::string dir = GuestMemoryDir(host_);
    Result<SpaceInfo> space = host_.Space(dir);
    if (!space.ok()) {
      Add(Severity::kWarning, "guest memory directory: " + space.status().message());
      return;
    }
    uint64_t mine = GuestMemBytes(args);
    uint64_t others = 0;
    for (const auto& guest : guests) others += GuestMemBytes(guest.args);
    std::string where = dir + " (" + space->fs_type + ", " + FormatBytes(space->available) +
                        " free of " + FormatBytes(space->total) + ")";
    if (!space->tmpfs) {
      Add(Severity::kWarning, "guest memory goes to " + where +
                                  ", not a tmpfs: every page the guest touches is written to "
                                  "disk (set TMPDIR to a tmpfs such as /dev/shm)");
    }
    if (mine > space->available) {
      Add(Severity::kWarning, "this guest's memory (" + FormatBytes(mine) + ") does not fit in " + where);
    } else if (mine + others > space->total) {
      Add(Severity::kWarning, "this guest (" + FormatBytes(mine) + ") and " +
                                  std::to_string(guests.size()) + " running guest(s) (" +
                                  FormatBytes(others) + ") may use more than " + where);
    } else if (space->tmpfs) {
      Add(Severity::kNote, "guest memory in " + where + ": this guest " + FormatBytes(mine) +
                               ", " + std::to_string(guests.size()) + " running guest(s) " +
                               FormatBytes(others));
    }
  }

 private:
  HostProbe& host_;
  PreflightReport& report_;
};

}  // namespace

bool PreflightReport::Refused(bool strict) const {
  for (const auto& finding : findings) {
    if (finding.severity == Severity::kError) return true;
    if (strict && finding.severity == Severity::kWarning) return true;
  }
  return false;
}

std::string GuestMemoryDir(HostProbe& host) {
  for (const char* name : {"TMPDIR", "TMP", "TEMP"}) {
    std::optional<std::string> value = host.Env(name);
    if (value && !value->empty()) return *value;
  }
  Result<SpaceInfo> shm = host.Space("/dev/shm");
  return shm.ok() && shm->tmpfs ? "/dev/shm" : "/tmp";
}

PreflightReport RunPreflight(const std::vector<std::string>& kernel_args, HostProbe& host) {
  PreflightReport report;
  Checker check(host, report);
  Result<std::vector<UbdOption>> ubds = FindUbdOptions(kernel_args);
  if (!ubds.ok()) {
    check.Add(Severity::kError, ubds.status().message());
    return report;
  }
  std::vector<RunningGuest> guests = host.RunningGuests();
  std::optional<int> root_unit = RootUbdUnit(kernel_args);
  for (const auto& ubd : *ubds) {
    std::string name = "ubd" + std::to_string(ubd.unit);
    size_t findings_before = report.findings.size();
    if (ubd.cow()) {
      check.CheckFile(name + " backing file", ubd.backing, false, false);
      check.CheckFile(name + " COW file", ubd.file, !ubd.read_only, true);
      check.CheckNotInUse(name + " backing file", ubd.backing, false, guests);
      check.CheckNotInUse(name + " COW file", ubd.file, !ubd.read_only, guests);
    } else {
      check.CheckFile(name + " file", ubd.file, !ubd.read_only, false);
      check.CheckNotInUse(name + " file", ubd.file, !ubd.read_only, guests);
    }
    bool usable = true;
    for (size_t i = findings_before; i < report.findings.size(); i++) {
      if (report.findings[i].severity == Severity::kError) usable = false;
    }
    if (usable && root_unit == ubd.unit) check.CheckRootFs(ubd, guests);
  }
  check.CheckMemory(kernel_args, guests);
  return report;
}

}  // namespace umla::bridge
