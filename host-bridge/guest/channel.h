// Opening an agent's line for `uml-bridge wait` on a guest someone else started:
//   fifo:PATH  a FIFO the start script wired to the line (con7=null,fd:3 3<>PATH)
//   pts:PATH   the host pts the line was given (con7=pts)
//   umid:NAME  the pts of the guest with that umid (its line is conN=pts), found
//              through its mconsole and its kernel process; retried until known
#pragma once

#include <string>

#include "common/status.h"

namespace umla::bridge {

struct ChannelSpec {
  enum class Kind { kFifo, kPts, kUmid } kind;
  std::string value;
};

Result<ChannelSpec> ParseChannelSpec(const std::string& text);

// Opens the channel non-blocking for reading. For kUmid it asks mconsole for
// "config conLINE"; `pending` is set (and -1 returned) while the guest has not opened
// its line yet, so the caller retries.
Result<int> OpenChannel(const ChannelSpec& spec, int line, bool* pending);

}  // namespace umla::bridge
