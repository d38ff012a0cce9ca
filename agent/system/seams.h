// Every OS resource a step may touch, each behind a narrow interface, so that steps
// run on fakes in tests (tests/unit/fake_system.h) and on Linux in the guest.
#pragma once

#include <string>

#include "agent/system/file_system.h"

namespace umla::agent {

class SystemSeams {
 public:
  explicit SystemSeams(FileSystem& files) : files_(files) {}
  FileSystem& files() { return files_; }

 private:
  FileSystem& files_;
};

}  // namespace umla::agent
