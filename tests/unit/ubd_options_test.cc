#include "host-bridge/preflight/ubd_options.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/strings.h"
#include "host-bridge/commands/run_preflight.h"

namespace umla::bridge {
namespace {

std::string ReadGolden(const std::string& name) {
  std::ifstream in(std::string(UMLA_TEST_DATA) + "/ubd/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Describe(const UbdOption& o) {
  std::string flags;
  if (o.read_only) flags += 'r';
  if (o.sync) flags += 's';
  if (o.no_cow) flags += 'd';
  if (o.shared) flags += 'c';
  if (o.no_trim) flags += 't';
  return "unit=" + std::to_string(o.unit) + " flags=" + (flags.empty() ? "-" : flags) +
         " file=" + o.file + " backing=" + (o.backing.empty() ? "-" : o.backing) +
         " serial=" + (o.serial.empty() ? "-" : o.serial) + " image=" + o.image() +
         " render=" + RenderUbdArg(o);
}

// Each argument of options.in, parsed, gives one line of options.out.
TEST(UbdOptions, GoldenParse) {
  std::string actual;
  std::string input = ReadGolden("options.in");
  for (std::string_view line : Split(input, '\n')) {
    if (line.empty()) continue;
    auto parsed = ParseUbdArg(line);
    actual += std::string(line) + " -> ";
    if (!parsed) actual += "not a ubd device option\n";
    else if (!parsed->ok()) actual += "error: " + parsed->status().message() + "\n";
    else actual += Describe(**parsed) + "\n";
  }
  EXPECT_EQ(actual, ReadGolden("options.out"));
}

TEST(UbdOptions, FindRefusesAUnitGivenTwiceAndStopsAtInitArguments) {
  auto twice = FindUbdOptions({"ubd0=a.img", "ubda=b.img"});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(), "kernel argument \"ubda=b.img\": ubd0 is already given");
  auto found = FindUbdOptions({"ubd1=swap.img", "ubd0=a.img", "--", "ubd2=init-arg"});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].unit, 1);
  EXPECT_EQ((*found)[1].file, "a.img");
}

TEST(UbdOptions, RootUnitFromRootArgument) {
  EXPECT_EQ(RootUbdUnit({"mem=64M"}), 0);
  EXPECT_EQ(RootUbdUnit({"root=/dev/ubda"}), 0);
  EXPECT_EQ(RootUbdUnit({"root=/dev/ubdb"}), 1);
  EXPECT_EQ(RootUbdUnit({"root=/dev/ubd/2"}), 2);
  EXPECT_EQ(RootUbdUnit({"root=/dev/ubd3"}), 3);
  EXPECT_EQ(RootUbdUnit({"root=98:16"}), 1);
  EXPECT_EQ(RootUbdUnit({"root=/dev/ubda1"}), std::nullopt);
  EXPECT_EQ(RootUbdUnit({"root=98:1"}), std::nullopt);
  EXPECT_EQ(RootUbdUnit({"root=/dev/root", "rootfstype=hostfs"}), std::nullopt);
}

TEST(UbdOptions, MemSizes) {
  EXPECT_EQ(ParseMemSize("64M"), 64ull << 20);
  EXPECT_EQ(ParseMemSize("1g"), 1ull << 30);
  EXPECT_EQ(ParseMemSize("524288K"), 512ull << 20);
  EXPECT_EQ(ParseMemSize("100000000"), 100000000ull);
  EXPECT_EQ(ParseMemSize("M"), std::nullopt);
  EXPECT_EQ(ParseMemSize("64MB"), std::nullopt);
  EXPECT_EQ(GuestMemBytes({"mem=128M", "mem=256M"}), 256ull << 20);
  EXPECT_EQ(GuestMemBytes({"ubd0=x"}), kUmlDefaultMem);
  EXPECT_EQ(FormatBytes(256ull << 20), "256 MiB");
  EXPECT_EQ(FormatBytes(3ull << 29), "1.5 GiB");
}

TEST(PutRootOnCow, LayersTheRootDiskOnly) {
  std::vector<std::string> args = {"mem=64M", "ubd1=swap.img", "ubd0s=/img/root.img", "root=/dev/ubda"};
  ASSERT_TRUE(PutRootOnCow(args, "/var/g1.cow").ok());
  EXPECT_EQ(args[2], "ubd0s=/var/g1.cow,/img/root.img");
  EXPECT_EQ(args[1], "ubd1=swap.img");

  std::vector<std::string> layered = {"ubd0=a.cow,root.img"};
  EXPECT_EQ(PutRootOnCow(layered, "b.cow").message(),
            "--cow: kernel argument \"ubd0=a.cow,root.img\" already says how to layer it");
  std::vector<std::string> hostfs = {"root=/dev/root", "rootfstype=hostfs"};
  EXPECT_FALSE(PutRootOnCow(hostfs, "b.cow").ok());
  std::vector<std::string> none = {"ubd1=swap.img"};
  EXPECT_EQ(PutRootOnCow(none, "b.cow").message(), "--cow: no ubd0= argument for the root disk");
}

}  // namespace
}  // namespace umla::bridge
