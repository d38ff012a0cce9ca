// `uml-bridge net-setup`'s options: every interface name is checked, naming the option,
// before a path is built from it. And what its error says about the record.
#include "host-bridge/commands/net_setup.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "host-bridge/hostnet/net_setup_apply.h"
#include "tests/unit/host_links_fake.h"

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

// A set-up that fails names the record only when the record keeps something for --down:
// not when the one device it made was deleted again because the record could not be saved.
TEST(NetSetupFailure, NamesTheRecordOnlyWhenItKeepsSomething) {
  const std::string path = "/run/uml-bridge/net-setup.1.br0.json";
  const std::string no_space = "write " + path + ": No space left on device; ";
  struct Case {
    size_t failing_save;  // 1: the first
    std::string message;
  };
  const Case cases[] = {
      {1, no_space + "br0 deleted again (nothing is recorded for --down to undo)"},
      {2, no_space + "tap0 deleted again (what is left to undo is recorded in " + path + ")"},
  };
  for (const Case& c : cases) {
    FakeHostLinks host;
    NetSetupState state{"br0", "tap0"};
    std::optional<NetSetupState> on_disk;  // no record before, as RunNetSetup tracks it
    size_t saves = 0;
    SaveNetSetupState save = [&](const NetSetupState& made) {
      if (++saves == c.failing_save) return Status::Error("write " + path + ": No space left on device");
      on_disk = made;
      return Status::Ok();
    };
    std::ostringstream out;
    Status up = SetUpBridge(host, {"br0", "tap0", std::nullopt, ""}, &state, save, out);
    ASSERT_FALSE(up.ok());
    EXPECT_EQ(up.message() + RecordedForDownNote(on_disk, path), c.message);
  }
  // Devices that were there before: a record that names them keeps nothing to undo.
  EXPECT_EQ(RecordedForDownNote(NetSetupState{"br0", "tap0"}, path),
            " (nothing is recorded for --down to undo)");
  NetSetupState uplink_joined{"br0", "tap0"};
  uplink_joined.uplink = "eth0";
  EXPECT_EQ(RecordedForDownNote(uplink_joined, path),
            " (what is left to undo is recorded in " + path + ")");
}

}  // namespace
}  // namespace umla::bridge
