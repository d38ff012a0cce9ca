#include "host-bridge/commands/netconf.h"

#include <gtest/gtest.h>

namespace umla::bridge {
namespace {

// netconf and run --mirror parse --guest-ip with the agent's parser: an address that
// inet_aton and ip would read as octal is refused, and the message says which number.
TEST(MirrorArguments, GuestIpWithALeadingZeroIsRefusedNamingTheOption) {
  std::vector<std::string> warnings;
  auto args = MirrorArguments("br0", "192.0.2.02/24", {}, &warnings);
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().message(),
            "--guest-ip 192.0.2.02/24: expected ADDR/PREFIX, e.g. 192.0.2.2/24; \"02\" has a "
            "leading zero, which inet_aton and ip read as octal");
  args = MirrorArguments("br0", "192.0.2.2", {}, &warnings);
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().message(), "--guest-ip 192.0.2.2: expected ADDR/PREFIX, e.g. 192.0.2.2/24");
}

}  // namespace
}  // namespace umla::bridge
