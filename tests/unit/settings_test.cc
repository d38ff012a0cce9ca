#include "agent/core/settings.h"

#include <gtest/gtest.h>

#include "agent/core/kernel_cmdline.h"

namespace umla::agent {
namespace {

TEST(KernelCmdline, SplitsLikeTheKernel) {
  auto params = ParseKernelCmdline("mem=64M  root=/dev/ubda rw a=\"x y\" flag\n");
  ASSERT_EQ(params.size(), 5u);
  EXPECT_EQ(params[0].key, "mem");
  EXPECT_EQ(params[0].value, "64M");
  EXPECT_EQ(params[2].key, "rw");
  EXPECT_FALSE(params[2].has_value);
  EXPECT_EQ(params[3].value, "x y");
  EXPECT_EQ(params[4].key, "flag");
}

TEST(Settings, PrecedenceIsFileThenCmdlineThenFlags) {
  Settings settings;
  ASSERT_TRUE(settings.LoadJson(R"({"channel":"/dev/tty8","hostfs":{"mountpoint":"/h"}})",
                                "/etc/uml-agent/config.json").ok());
  std::vector<std::string> warnings;
  settings.LoadKernelCmdline("root=/dev/ubda uml_agent.channel=/dev/tty9", &warnings);
  EXPECT_EQ(*settings.String("channel", ""), "/dev/tty9");
  EXPECT_EQ(*settings.String("hostfs.mountpoint", ""), "/h");
  settings.Set("channel", "/dev/tty10", "--set");
  EXPECT_EQ(settings.Get("channel")->source, "--set");
  EXPECT_TRUE(warnings.empty());
}

TEST(Settings, RepeatedCmdlineKeyWarnsAndLastWins) {
  Settings settings;
  std::vector<std::string> warnings;
  settings.LoadKernelCmdline("uml_agent.x=1 uml_agent.x=2", &warnings);
  EXPECT_EQ(*settings.String("x", ""), "2");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("uml_agent.x"), std::string::npos);
}

TEST(Settings, BadValuesNameTheKeyAndSource) {
  Settings settings;
  std::vector<std::string> warnings;
  settings.LoadKernelCmdline("uml_agent.swap=maybe uml_agent.timeout=-3 uml_agent.dir=rel/x",
                             &warnings);
  Result<bool> swap = settings.Bool("swap", true);
  ASSERT_FALSE(swap.ok());
  EXPECT_NE(swap.status().message().find("swap=\"maybe\" (from kernel command line)"),
            std::string::npos);
  EXPECT_FALSE(settings.Unsigned("timeout", 1, 100).ok());
  EXPECT_FALSE(settings.Path("dir", "/").ok());
  EXPECT_EQ(*settings.Unsigned("absent", 5, 100), 5u);
}

TEST(Settings, BrokenJsonNamesFileAndLineAndLoadsNothing) {
  Settings settings;
  Status status = settings.LoadJson("{\n  \"a\": 1,\n  \"b\": \n}\n", "/etc/uml-agent/config.json");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("/etc/uml-agent/config.json:4"), std::string::npos)
      << status.message();
  EXPECT_FALSE(settings.Get("a").has_value());
}

TEST(Settings, ReportsUnknownKeys) {
  Settings settings;
  ASSERT_TRUE(settings.LoadJson(R"({"hostfs":{"mountpont":"/x"}})", "f").ok());
  auto unknown = settings.UnknownKeys({"hostfs.mountpoint"});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0], "hostfs.mountpont");
}

}  // namespace
}  // namespace umla::agent

namespace umla::agent {
namespace {

// Found by fuzz_settings: nlohmann throws out_of_range, not parse_error, here.
TEST(Settings, HugeNumberIsAnErrorNotACrash) {
  Settings settings;
  Status status = settings.LoadJson("{\"a\": 2222e222222222222222222222}", "f.json");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("f.json"), std::string::npos);
}

}  // namespace
}  // namespace umla::agent
