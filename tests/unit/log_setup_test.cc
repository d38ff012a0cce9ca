// --log-level as both programs take it: the four documented names, and an unknown one
// meaning info (a typo must not silence the boot's messages).
#include <gtest/gtest.h>

#include "common/log.h"

namespace umla {
namespace {

TEST(LogSetup, LevelNamesAndAnUnknownOneMeaningInfo) {
  const std::pair<const char*, spdlog::level::level_enum> cases[] = {
      {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},   {"error", spdlog::level::err},
      {"loud", spdlog::level::info},   {"", spdlog::level::info}};
  auto before = spdlog::default_logger();
  for (const auto& [name, level] : cases) {
    SetupLogging("test", name);
    EXPECT_EQ(spdlog::default_logger()->level(), level) << name;
  }
  spdlog::set_default_logger(before);
}

}  // namespace
}  // namespace umla
