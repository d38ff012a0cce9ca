// The whole content of a file the test made or expects, as bytes ("" when missing).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace umla::testing {

inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace umla::testing
