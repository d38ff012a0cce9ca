#include "protocol/frame.h"

#include <gtest/gtest.h>

#include "protocol/crc32.h"

namespace umla::protocol {
namespace {

std::vector<DecodedLine> ReadAll(FrameReader& reader) {
  std::vector<DecodedLine> lines;
  while (auto line = reader.Next()) lines.push_back(*line);
  return lines;
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
}

TEST(Frame, RoundTrip) {
  std::string frame = EncodeFrame(R"({"type":"hello"})");
  EXPECT_EQ(frame.rfind("UMLA1 ", 0), 0u);
  EXPECT_EQ(frame.back(), '\n');
  DecodedLine decoded = DecodeLine(std::string_view(frame).substr(0, frame.size() - 1));
  EXPECT_EQ(decoded.kind, LineKind::kFrame);
  EXPECT_EQ(decoded.text, R"({"type":"hello"})");
}

TEST(Frame, PicksFramesOutOfNoise) {
  FrameReader reader;
  std::string frame = EncodeFrame(R"({"a":1})");
  reader.Feed("login: \r\n[    1.23] random: crng init done\r\n");
  reader.Feed("echo junk " + frame.substr(0, frame.size() - 1) + "\r\n");
  reader.Feed("Debian GNU/Linux 12 guest tty7\n");
  auto lines = ReadAll(reader);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].kind, LineKind::kNoise);
  EXPECT_EQ(lines[1].kind, LineKind::kNoise);
  EXPECT_EQ(lines[2].kind, LineKind::kFrame);
  EXPECT_EQ(lines[2].text, R"({"a":1})");
  EXPECT_EQ(lines[3].kind, LineKind::kNoise);
}

TEST(Frame, AnyChunkingGivesTheSameFrames) {
  std::string stream = "noise\n" + EncodeFrame(R"({"x":"y"})") + EncodeFrame(R"({"z":2})");
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    FrameReader reader;
    for (size_t i = 0; i < stream.size(); i += chunk) reader.Feed(stream.substr(i, chunk));
    auto lines = ReadAll(reader);
    ASSERT_EQ(lines.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(lines[1].text, R"({"x":"y"})");
    EXPECT_EQ(lines[2].text, R"({"z":2})");
  }
}

TEST(Frame, RejectsACorruptedPayload) {
  std::string frame = EncodeFrame(R"({"ok":true})");
  frame[frame.size() - 4] = 'X';
  EXPECT_EQ(DecodeLine(frame.substr(0, frame.size() - 1)).kind, LineKind::kCorrupt);
}

TEST(Frame, RejectsACutFrameAtEndOfStream) {
  std::string frame = EncodeFrame(R"({"ok":true,"long":"payload"})");
  FrameReader reader;
  reader.Feed(frame.substr(0, frame.size() / 2));
  reader.Finish();
  auto lines = ReadAll(reader);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].kind, LineKind::kCorrupt);
}

TEST(Frame, RejectsBadHeaderLayouts) {
  EXPECT_EQ(DecodeLine("UMLA1 ").kind, LineKind::kCorrupt);
  EXPECT_EQ(DecodeLine("UMLA1 zzzzzzzz {}").kind, LineKind::kCorrupt);
  EXPECT_EQ(DecodeLine("UMLA1 0000000{}").kind, LineKind::kCorrupt);
  EXPECT_EQ(DecodeLine("UMLA").kind, LineKind::kNoise);
  EXPECT_EQ(DecodeLine("UMLAX 00000000 {}").kind, LineKind::kNoise);
}

TEST(Frame, ReportsAnotherProtocolVersion) {
  DecodedLine decoded = DecodeLine("UMLA2 00000000 {}");
  EXPECT_EQ(decoded.kind, LineKind::kVersionMismatch);
  EXPECT_EQ(decoded.version, 2);
}

TEST(Frame, DropsOverlongLinesWithoutBufferingThem) {
  FrameReader reader;
  std::string flood(1 << 20, 'A');
  reader.Feed(flood);
  EXPECT_LE(reader.buffered_bytes(), kMaxFrameLine);
  reader.Feed("\n" + EncodeFrame(R"({"after":"flood"})"));
  auto lines = ReadAll(reader);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].kind, LineKind::kOversize);
  EXPECT_EQ(lines[1].kind, LineKind::kFrame);
}

TEST(Frame, PendingQueueIsBoundedAndKeepsFrames) {
  FrameReader reader(4);
  reader.Feed(EncodeFrame(R"({"keep":1})"));
  for (int i = 0; i < 100; ++i) reader.Feed("noise line\n");
  auto lines = ReadAll(reader);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].kind, LineKind::kFrame);
}

}  // namespace
}  // namespace umla::protocol
