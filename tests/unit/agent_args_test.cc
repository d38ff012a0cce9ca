#include "agent/cli/agent_args.h"

#include <gtest/gtest.h>

namespace umla::agent {
namespace {

Result<AgentArgs> Parse(std::vector<std::string> args) { return ParseAgentArgs(args); }

TEST(AgentArgs, CommandAndOptionsInAnyOrder) {
  auto args = Parse({"--root", "/img", "boot", "--set=a=1", "--set", "b=2", "-n",
                     "--only", "fstab,,devnodes", "--phase=fixups"});
  ASSERT_TRUE(args.ok()) << args.status().message();
  EXPECT_EQ(args->command, "boot");
  EXPECT_EQ(args->boot.root, "/img");
  EXPECT_EQ(args->boot.settings, (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_TRUE(args->boot.dry_run);
  EXPECT_EQ(args->boot.only_steps, (std::vector<std::string>{"fstab", "devnodes"}));
  EXPECT_EQ(args->phase, "fixups");
}

TEST(AgentArgs, DefaultsMatchBootOptions) {
  auto args = Parse({"status"});
  ASSERT_TRUE(args.ok());
  BootOptions defaults;
  EXPECT_EQ(args->boot.root, defaults.root);
  EXPECT_EQ(args->boot.config_path, defaults.config_path);
  EXPECT_EQ(args->phase, "all");
  EXPECT_EQ(args->log_level, "info");
  EXPECT_FALSE(args->json);
}

TEST(AgentArgs, ErrorsNameTheArgument) {
  auto unknown = Parse({"boot", "--frobnicate"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "unknown option --frobnicate");
  auto missing = Parse({"boot", "--root"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "option --root needs a value (DIR)");
  auto two = Parse({"boot", "ready"});
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("\"ready\""), std::string::npos);
  auto phase = Parse({"boot", "--phase", "late"});
  ASSERT_FALSE(phase.ok());
  EXPECT_NE(phase.status().message().find("late"), std::string::npos);
  auto valued_switch = Parse({"boot", "--json=yes"});
  ASSERT_FALSE(valued_switch.ok());
  EXPECT_EQ(valued_switch.status().message(), "option --json takes no value");
}

TEST(AgentArgs, DoubleDashEndsOptions) {
  auto args = Parse({"--", "-weird"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->command, "-weird");
}

TEST(AgentArgs, HelpListsEveryOptionWithItsDefault) {
  std::string help = AgentHelp();
  for (const char* expected : {"-h [ --help ]", "--root DIR (=/)", "--set KEY=VALUE",
                               "--phase PHASE (=all)", "-n [ --dry-run ]",
                               "--config PATH (=/etc/uml-agent/config.json)", "Commands:"}) {
    EXPECT_NE(help.find(expected), std::string::npos) << expected;
  }
  auto args = Parse({"-h"});
  ASSERT_TRUE(args.ok());
  EXPECT_TRUE(args->help);
}

}  // namespace
}  // namespace umla::agent
