// net-setup's record on disk (net_setup_state.h is its content): read and replaced
// only while this process holds the lock of the record's directory, so that two
// net-setups, for the same bridge or another, run one after the other and never save
// over each other's record.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "common/status.h"
#include "host-bridge/hostnet/net_setup_state.h"

namespace umla::bridge {

class NetSetupStateFile {
 public:
  // The record for `bridge` in the network namespace `netns_inode` under `dir`
  // (named by NetSetupStateFileName). Creates `dir` (0755, its parent must exist) when
  // missing and takes its lock, waiting while another net-setup holds it (after a
  // line on `waiting` that says so). Fails naming `dir`, or the bridge when it is
  // not an interface name (which never reaches the path).
  static Result<NetSetupStateFile> Open(const std::string& dir, unsigned long netns_inode,
                                        const std::string& bridge, std::ostream& waiting);
  NetSetupStateFile(NetSetupStateFile&& other) noexcept;
  NetSetupStateFile& operator=(NetSetupStateFile&&) = delete;
  ~NetSetupStateFile();  // the lock goes with the directory's descriptor

  const std::string& path() const { return path_; }
  // The record, or nullopt when there is none. Fails naming the file when it cannot
  // be read or is not a record of ours.
  Result<std::optional<NetSetupState>> Load() const;
  // Replaces the record, atomically and durably (WriteFileDurably: a temp file beside
  // it, one left by a killed save replaced, fsync, rename, fsync of the directory).
  // Readable by all (0644). On failure the old record is intact and the temp file
  // gone; the error names the file and the call.
  Status Save(const NetSetupState& state) const;
  // Removes the record, and a temp file a killed save left; one that is gone already
  // is fine.
  Status Remove() const;

 private:
  NetSetupStateFile(int dir_fd, std::string dir, std::string name)
      : dir_fd_(dir_fd), dir_(std::move(dir)), name_(std::move(name)), path_(dir_ + "/" + name_) {}
  int dir_fd_;  // open, and locked (flock), for as long as this object lives
  std::string dir_;
  std::string name_;
  std::string path_;
};

}  // namespace umla::bridge
