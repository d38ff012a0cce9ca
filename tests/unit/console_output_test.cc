#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "host-bridge/commands/console_sink.h"
#include "host-bridge/watch/terminal_filter.h"

namespace umla::bridge {
namespace {

std::string Filtered(std::string_view text) {
  TerminalFilter filter;
  std::string out = filter.Feed(text);
  return out + filter.Flush();
}

TEST(TerminalFilter, PassesTextNewlinesAndUtf8) {
  EXPECT_EQ(Filtered("[  OK  ] Started\tx\r\n"), "[  OK  ] Started\tx\r\n");
  EXPECT_EQ(Filtered("a\bb"), "a\bb");
  EXPECT_EQ(Filtered("\xe2\x97\x8f ssh.service \xe2\x94\x80 caf\xc3\xa9 \xf0\x9f\x90\xa7"),
            "\xe2\x97\x8f ssh.service \xe2\x94\x80 caf\xc3\xa9 \xf0\x9f\x90\xa7");
}

TEST(TerminalFilter, MakesEscapeSequencesVisible) {
  // OSC 52 (set the clipboard), a title change, a colour, a bell, DEL.
  EXPECT_EQ(Filtered("\x1b]52;c;cm0gLXJmIH4=\x07"), "^[]52;c;cm0gLXJmIH4=^G");
  EXPECT_EQ(Filtered("\x1b[31mred\x1b[0m"), "^[[31mred^[[0m");
  EXPECT_EQ(Filtered(std::string("\0\x7f", 2)), "^@^?");
  // C1 controls: raw (CSI on an 8-bit terminal) and as UTF-8 characters.
  EXPECT_EQ(Filtered("\x9b" "31m"), "\\x9b31m");
  EXPECT_EQ(Filtered("\xc2\x9d" "0;t\xc2\x9c"), "\\xc2\\x9d0;t\\xc2\\x9c");
  EXPECT_EQ(Filtered("\xc2\xa0"), "\xc2\xa0");  // U+00A0 is text
}

TEST(TerminalFilter, InvalidUtf8IsShownAsBytes) {
  EXPECT_EQ(Filtered("\xc0\xaf"), "\\xc0\\xaf");                // overlong '/'
  EXPECT_EQ(Filtered("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");       // overlong, 3 bytes
  EXPECT_EQ(Filtered("\xed\xa0\x80"), "\\xed\\xa0\\x80");       // a surrogate
  EXPECT_EQ(Filtered("\xe2\x97" "x"), "\\xe2\\x97x");           // cut short
  EXPECT_EQ(Filtered("\xe2\x97\x1b"), "\\xe2\\x97^[");          // cut by ESC
  EXPECT_EQ(Filtered("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  EXPECT_EQ(Filtered("\xe2"), "\\xe2");                         // the stream ended
}

TEST(TerminalFilter, ACharacterSplitBetweenReadsIsJudgedWhole) {
  TerminalFilter filter;
  EXPECT_EQ(filter.Feed("a\xe2"), "a");
  EXPECT_EQ(filter.Feed("\x97"), "");
  EXPECT_EQ(filter.Feed("\x8f\xc2"), "\xe2\x97\x8f");
  EXPECT_EQ(filter.Feed("\x9b"), "\\xc2\\x9b");
  EXPECT_EQ(filter.Flush(), "");
}

std::string Drain(int fd) {
  std::string out;
  char buffer[65536];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  return out;
}

// A terminal stopped with Ctrl-S or a pipe nobody reads: the watch loop must not
// block in a write. What does not fit waits (up to a bound), then is dropped with a note.
TEST(ConsoleSink, NeverBlocksAndSaysWhatItDropped) {
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC), 0);
  int capacity = fcntl(pipe_fds[1], F_SETPIPE_SZ, 4096);
  ASSERT_GT(capacity, 0);
  ConsoleSink sink(pipe_fds[1], false, 8192);
  std::string line(1000, 'x');
  line += '\n';
  for (int i = 0; i < 100; ++i) sink.Write(line);  // 100 KB into 4 + 8 KB of room
  EXPECT_TRUE(sink.waiting());

  std::string got;
  for (int round = 0; round < 100 && (sink.waiting() || round == 0); ++round) {
    got += Drain(pipe_fds[0]);
    sink.WritePending();
  }
  got += Drain(pipe_fds[0]);
  EXPECT_FALSE(sink.waiting());
  size_t note = got.find("\n[uml-bridge: ");
  ASSERT_NE(note, std::string::npos) << got.size();
  std::string kept = got.substr(0, note);  // whole lines, then the note
  EXPECT_EQ(kept.find_first_not_of("x\n"), std::string::npos);
  EXPECT_EQ(kept.size() % line.size(), 0u);
  EXPECT_GE(kept.size(), 8192u);
  size_t dropped = 100 * line.size() - kept.size();
  EXPECT_EQ(got.substr(note), "\n[uml-bridge: " + std::to_string(dropped) +
                                  " bytes of the guest console dropped: its destination did "
                                  "not keep up]\n");

  sink.Write("after\n");  // written again once there is room
  EXPECT_EQ(Drain(pipe_fds[0]), "after\n");
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

TEST(ConsoleSink, FiltersOnlyForATerminal) {
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC), 0);
  {
    ConsoleSink terminal(pipe_fds[1], true);
    terminal.Write("\x1b]52;c;eA==\x07\n");
    terminal.Finish(100);
  }
  EXPECT_EQ(Drain(pipe_fds[0]), "^[]52;c;eA==^G\n");
  {
    ConsoleSink log(pipe_fds[1], false);
    log.Write("\x1b[31m\n");
    log.Finish(100);
  }
  EXPECT_EQ(Drain(pipe_fds[0]), "\x1b[31m\n");
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

}  // namespace
}  // namespace umla::bridge
