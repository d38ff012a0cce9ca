#include "host-bridge/guest/kernel_args.h"

#include <gtest/gtest.h>

namespace umla::bridge {
namespace {

TEST(KernelArgs, AppendsWiringBeforeInitArguments) {
  Wiring wiring;
  wiring.umid = "u1";
  wiring.notify_socket = "/tmp/n.sock";
  auto args = BuildKernelArgs({"mem=64M", "con=null", "--", "single"}, wiring);
  std::vector<std::string> expected = {"mem=64M", "con=null", "con7=fd:3,fd:3", "umid=u1",
                                       "mconsole=notify:/tmp/n.sock", "--", "single"};
  EXPECT_EQ(args, expected);
}

TEST(KernelArgs, KeepsTheUsersUmidAndMovesTheChannelForAnotherLine) {
  Wiring wiring;
  wiring.umid = "ours";
  wiring.agent_line = 9;
  auto args = BuildKernelArgs({"umid=theirs"}, wiring);
  std::vector<std::string> expected = {"umid=theirs", "con9=fd:3,fd:3",
                                       "uml_agent.channel=/dev/tty9"};
  EXPECT_EQ(args, expected);
  EXPECT_EQ(*FindKernelArg(args, "umid"), "theirs");
  EXPECT_FALSE(FindKernelArg(args, "mem").has_value());
}

}  // namespace
}  // namespace umla::bridge
