// Pure storage parsers: ubd naming, the kernel's /proc tables, fstab round trips,
// swap headers.
#include <gtest/gtest.h>

#include "agent/core/fstab_text.h"
#include "agent/core/proc_tables.h"
#include "agent/core/swap_devices.h"
#include "agent/core/ubd_names.h"
#include "tests/unit/swap_page.h"

namespace umla::agent {
namespace {

TEST(UbdNames, NumbersAndNamesFollowTheKernel) {
  EXPECT_EQ(UbdMinor({1, 0}), 16u);
  EXPECT_EQ(UbdMinor({1, 2}), 18u);
  EXPECT_EQ(UbdFromMinor(33), (UbdDevice{2, 1}));
  EXPECT_EQ(UbdCanonicalPath({0, 0}), "/dev/ubda");
  EXPECT_EQ(UbdCanonicalPath({1, 3}), "/dev/ubdb3");
  EXPECT_EQ(UbdLetters(25), "z");
  EXPECT_EQ(UbdLetters(26), "aa");
  EXPECT_EQ(UbdLegacyPaths(1), (std::vector<std::string>{"/dev/ubd/1", "/dev/ubd1"}));
}

TEST(UbdNames, ParsesCanonicalAndLegacyPaths) {
  EXPECT_EQ(ParseUbdPath("/dev/ubd/1"), (UbdDevice{1, 0}));
  EXPECT_EQ(ParseUbdPath("/dev/ubd7"), (UbdDevice{7, 0}));
  EXPECT_EQ(ParseUbdPath("/dev/ubdb"), (UbdDevice{1, 0}));
  EXPECT_EQ(ParseUbdPath("/dev/ubdc2"), (UbdDevice{2, 2}));
  EXPECT_EQ(ParseUbdPath("/dev/ubdaa"), (UbdDevice{26, 0}));
  for (const char* other : {"/dev/ubd", "/dev/ubd/", "/dev/ubdb0", "/dev/ubdb16", "/dev/sda1",
                            "/dev/ubd/x", "/dev/ubdB", "ubdb"}) {
    EXPECT_FALSE(ParseUbdPath(other)) << other;
  }
}

TEST(ProcTables, PartitionsSwapsMountsAndDevFiles) {
  auto partitions = ParseProcPartitions(
      "major minor  #blocks  name\n\n  98        0      65536 ubda\n  98       16      32768 ubdb\n"
      "  98       17       1024 ubdb1\n");
  ASSERT_EQ(partitions.size(), 3u);
  EXPECT_EQ(partitions[2].name, "ubdb1");
  EXPECT_EQ(partitions[2].minor, 17u);

  auto swaps = ParseProcSwaps(
      "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/ubdb                               "
      "partition\t32764\t\t0\t\t-2\n/swap\\040file file 100 0 -3\n");
  EXPECT_EQ(swaps, (std::vector<std::string>{"/dev/ubdb", "/swap file"}));

  auto mounts =
      ParseProcMounts("/dev/root / ext4 rw 0 0\nnone /mnt/my\\040host hostfs rw 0 0\nbad\n");
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[1].target, "/mnt/my host");
  EXPECT_EQ(mounts[1].type, "hostfs");
  // A line the agent adds for its own mount reads back as what it mounted.
  std::string line = FormatProcMountsLine({"none", "/mnt/a b\\c", "hostfs", "ro,nosuid"});
  EXPECT_EQ(line, "none /mnt/a\\040b\\134c hostfs ro,nosuid 0 0\n");
  auto back = ParseProcMounts(line);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].target, "/mnt/a b\\c");
  EXPECT_EQ(back[0].options, "ro,nosuid");

  auto numbers = ParseDevNumbers("98:16\n");
  ASSERT_TRUE(numbers);
  EXPECT_EQ(numbers->minor, 16u);
  EXPECT_FALSE(ParseDevNumbers("98"));
  EXPECT_FALSE(ParseDevNumbers("a:b"));
  EXPECT_EQ(EncodeOctalEscapes("a b\\"), "a\\040b\\134");
  EXPECT_EQ(DecodeOctalEscapes(EncodeOctalEscapes("x\ty z")), "x\ty z");
}

TEST(FstabText, RenderingAnUnchangedFileGivesBackEveryByte) {
  for (const char* text : {"", "\n", "a b c", "a b c\n", "# only a comment", "\n\n\t \n",
                           "x\ty  z 0 0\r\n  # c\nshort line\n\n"}) {
    EXPECT_EQ(RenderFstab(ParseFstab(text)), text) << text;
  }
}

TEST(FstabText, FieldsOfEntriesAndWhatIsNotAnEntry) {
  FstabFile file = ParseFstab("# c\n\t/dev/ubdb\tnone  swap sw 0 0\nnot entry\n");
  ASSERT_EQ(file.lines.size(), 3u);
  EXPECT_FALSE(file.lines[0].is_entry);
  ASSERT_TRUE(file.lines[1].is_entry);
  EXPECT_EQ(file.lines[1].spec(), "/dev/ubdb");
  EXPECT_EQ(file.lines[1].type(), "swap");
  EXPECT_FALSE(file.lines[2].is_entry);
  EXPECT_EQ(ReplaceSpec(file.lines[1], "/dev/ubdc"), "\t/dev/ubdc\tnone  swap sw 0 0");
  EXPECT_TRUE(ParseFstabLine("  # uml-agent: host files").IsMarker());
}

TEST(SwapHeader, ReadsSignatureUuidAndLabel) {
  std::string page = SwapPage("5c0ffee0-1234-4abc-8def-0123456789ab", "umlswap");
  auto signature = ParseSwapHeader(page);
  ASSERT_TRUE(signature);
  EXPECT_EQ(signature->uuid, "5c0ffee0-1234-4abc-8def-0123456789ab");
  EXPECT_EQ(signature->label, "umlswap");

  auto bare = ParseSwapHeader(SwapPage("", ""));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->uuid, "");
  EXPECT_FALSE(ParseSwapHeader(std::string(4096, '\0')));
  EXPECT_FALSE(ParseSwapHeader(page.substr(0, 4095)));
  std::string old_format = page;
  old_format.replace(4086, 10, "SWAP-SPACE");  // v0 swap, unsupported by the kernel
  EXPECT_FALSE(ParseSwapHeader(old_format));
}

TEST(SwapSpec, ResolvesUbdNamesUuidLabelAndNodes) {
  std::vector<SwapDevice> swaps = {
      {{1, 0}, "/dev/ubdb", {"5c0ffee0-1234-4abc-8def-0123456789ab", "umlswap"}}};
  PresentPaths nodes = {{"/dev/swapdisk", DevNumbers{98, 16}},
                        {"/dev/sda2", DevNumbers{8, 2}},
                        {"/swapfile", std::nullopt}};
  std::vector<UbdDevice> unprobed;
  auto match = [&](const char* spec) {
    return ResolveSwapSpec(spec, swaps, unprobed, nodes).match;
  };
  EXPECT_EQ(match("/dev/ubd/1"), SpecMatch::kSwap);
  EXPECT_EQ(match("/dev/ubd1"), SpecMatch::kSwap);
  EXPECT_EQ(match("/dev/ubdb"), SpecMatch::kSwap);
  EXPECT_EQ(match("UUID=5C0FFEE0-1234-4ABC-8DEF-0123456789AB"), SpecMatch::kSwap);
  EXPECT_EQ(match("UUID=\"5c0ffee0-1234-4abc-8def-0123456789ab\""), SpecMatch::kSwap);
  EXPECT_EQ(match("LABEL=umlswap"), SpecMatch::kSwap);
  EXPECT_EQ(match("/dev/disk/by-label/umlswap"), SpecMatch::kSwap);
  EXPECT_EQ(match("/dev/swapdisk"), SpecMatch::kSwap);
  EXPECT_EQ(match("/dev/ubd/2"), SpecMatch::kMissing);
  EXPECT_EQ(match("/dev/ubdb1"), SpecMatch::kMissing);
  EXPECT_EQ(match("LABEL=other"), SpecMatch::kMissing);
  EXPECT_EQ(match("/dev/hda2"), SpecMatch::kMissing);
  EXPECT_EQ(match("/dev/sda2"), SpecMatch::kUnknown);
  EXPECT_EQ(match("PARTUUID=1234-02"), SpecMatch::kUnknown);
  EXPECT_EQ(match("/swapfile"), SpecMatch::kUnknown);  // a swap file is not judged
  // Missing: judged only for disks of other machines, which never appear in UML;
  // anything else may still appear later in the boot.
  EXPECT_EQ(match("/dev/vdb"), SpecMatch::kMissing);
  EXPECT_EQ(match("/dev/xvda3"), SpecMatch::kMissing);
  EXPECT_EQ(match("/dev/nvme0n1p2"), SpecMatch::kMissing);
  EXPECT_EQ(match("/dev/mmcblk0p3"), SpecMatch::kMissing);
  EXPECT_EQ(match("/gone/swapfile"), SpecMatch::kUnknown);  // its filesystem, not mounted yet
  EXPECT_EQ(match("/dev/mapper/vg-swap"), SpecMatch::kUnknown);  // before LVM
  EXPECT_EQ(match("/dev/zram0"), SpecMatch::kUnknown);           // made by a service
  EXPECT_EQ(match("/dev/nvme"), SpecMatch::kUnknown);

  // A device whose first page could not be read may hold any swap: not judged.
  unprobed = {{2, 0}};
  EXPECT_EQ(match("/dev/ubd/2"), SpecMatch::kUnknown);
  EXPECT_EQ(match("/dev/ubdc"), SpecMatch::kUnknown);
  EXPECT_EQ(match("/dev/ubdd"), SpecMatch::kMissing);
  EXPECT_EQ(match("LABEL=other"), SpecMatch::kUnknown);
  EXPECT_EQ(match("UUID=5c0ffee0-1234-4abc-8def-0123456789ab"), SpecMatch::kSwap);
}

}  // namespace
}  // namespace umla::agent

namespace umla::agent {
namespace {

TEST(FstabText, UnreadableLinesAreNamedByFileAndLineAndKept) {
  std::string text = "# comment\n/dev/ubd/1 none\n" + std::string(5000, 'a') +
                     " / ext4 defaults\nbadXline none swap sw\n\nUUID=x / ext4 defaults 0 1";
  text[text.find("bad") + 3] = '\0';
  FstabFile file = ParseFstab(text);
  auto messages = DescribeUnreadableLines(file, "/etc/fstab");
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0], "/etc/fstab:2: not an fstab entry (2 fields, at least 3 needed); left as it is");
  EXPECT_NE(messages[1].find("/etc/fstab:3: longer than 4096 bytes"), std::string::npos);
  EXPECT_NE(messages[2].find("/etc/fstab:4: contains a NUL byte"), std::string::npos);
  EXPECT_EQ(RenderFstab(file), text);
  // Kept, and never acted on: neither the long root entry nor the swap entry with a NUL.
  EXPECT_FALSE(file.lines[2].is_entry);
  EXPECT_FALSE(file.lines[3].is_entry);
  EXPECT_TRUE(file.lines[5].is_entry);
}

}  // namespace
}  // namespace umla::agent
