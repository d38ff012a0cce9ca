// Golden files: expected output kept beside its input under tests/golden/. Set
// UMLA_UPDATE_GOLDEN=1 to rewrite the expected files from the actual output (then
// review the diff).
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace umla::testing {

inline std::string GoldenPath(const std::string& name) { return std::string(UMLA_TEST_DATA) + "/" + name; }

inline std::string ReadGolden(const std::string& name) {
  std::ifstream in(GoldenPath(name));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void ExpectGolden(const std::string& name, const std::string& actual) {
  if (std::getenv("UMLA_UPDATE_GOLDEN")) std::ofstream(GoldenPath(name)) << actual;
  EXPECT_EQ(actual, ReadGolden(name)) << "golden file " << GoldenPath(name);
}

}  // namespace umla::testing
