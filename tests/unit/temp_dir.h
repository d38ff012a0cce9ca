// A fresh directory under /tmp for one test, removed with everything in it when the
// test's fixture goes.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace umla::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    std::string pattern = "/tmp/umla-" + name + ".XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }  // empty when none could be made

 private:
  std::string path_;
};

}  // namespace umla::testing
