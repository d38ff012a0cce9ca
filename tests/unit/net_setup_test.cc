// `uml-bridge net-setup`'s options: every interface name is checked, naming the option,
// before a path is built from it.
#include "host-bridge/commands/net_setup.h"

#include <gtest/gtest.h>

namespace umla::bridge {
namespace {

TEST(NetSetupOptions, InterfaceNamesAreCheckedNamingTheOption) {
  EXPECT_TRUE(CheckNetSetupOptions({"br0", "tap0", "", "eth0", false}).ok());
  EXPECT_TRUE(CheckNetSetupOptions({"br-lan.1", "", "", "", true}).ok());  // --down: no tap
  struct Case {
    NetSetupOptions options;
    const char* message;
  };
  const Case cases[] = {
      {{"../x", "tap0"}, "--bridge \"../x\": expected an interface name of 1 to 15 letters, digits, _ . -"},
      {{"..", "tap0"}, "--bridge \"..\": "},
      {{".", "tap0"}, "--bridge \".\": "},
      {{"", "tap0"}, "--bridge \"\": "},
      {{"br 0", "tap0"}, "--bridge \"br 0\": "},
      {{"br0", "a/b"}, "--tap \"a/b\": "},
      {{"br0", "tap0123456789abc"}, "--tap \"tap0123456789abc\": "},  // 16: IFNAMSIZ counts the NUL
      {{"br0", ""}, "--tap is required (except with --down)"},
      {{"br0", "tap0", "", "eth\t0"}, "--uplink \"eth\t0\": "},
      {{"br0", "tap0", "", "eth\n0"}, "--uplink \"eth?0\": "},  // no line breaks in messages
  };
  for (const Case& c : cases) {
    Status checked = CheckNetSetupOptions(c.options);
    ASSERT_FALSE(checked.ok()) << c.message;
    EXPECT_EQ(checked.message().rfind(c.message, 0), 0u) << checked.message();
  }
  EXPECT_TRUE(CheckNetSetupOptions({"br0", "tap0123456789ab"}).ok());  // 15
}

}  // namespace
}  // namespace umla::bridge
