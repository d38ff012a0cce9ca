// Opening an agent's line for `uml-bridge wait` on a guest someone else started:
//   fifo:PATH  a FIFO the start script wired to the line (con7=null,fd:3 3<>PATH)
//   pts:PATH   the host pts the line was given (con7=pts)
//   umid:NAME  the pts of the guest with that umid (its line is conN=pts), found
//              through its mconsole and its kernel process; retried until known,
//              given up when the guest is gone (its mconsole answered, then stopped)
#pragma once

#include <string>

#include "common/status.h"
#include "host-bridge/guest/mconsole.h"

namespace umla::bridge {

struct ChannelSpec {
  enum class Kind { kFifo, kPts, kUmid } kind;
  std::string value;
};

Result<ChannelSpec> ParseChannelSpec(const std::string& text);
// The spec as given on the command line ("umid:web1").
std::string ChannelSpecText(const ChannelSpec& spec);

// What one attempt to open a channel learnt besides its result.
struct OpenAttempt {
  bool pending = false;  // kUmid: the guest has not opened its line yet (-1 returned)
  MconsoleReach mconsole = MconsoleReach::kUnclear;  // kUmid: how far asking mconsole got
};

// Opens the channel non-blocking for reading. For kUmid it asks mconsole for
// "config conLINE", waiting at most `mconsole_timeout_ms` for its answer, and returns
// -1 with `attempt->pending` while the guest has not opened its line yet, so the
// caller retries; `attempt` is filled in either way.
Result<int> OpenChannel(const ChannelSpec& spec, int line, OpenAttempt* attempt,
                        int mconsole_timeout_ms = 1000);

// Follows one guest named by umid across open attempts. Pure: fed what each saw.
class UmidLiveness {
 public:
  // Records one attempt's mconsole reach; true once the guest is gone for good: its
  // mconsole answered at some earlier attempt and nobody listens at its socket now.
  // Before the first answer nobody listening only means "not started yet".
  bool Gone(MconsoleReach now);
  bool answered() const { return answered_; }

 private:
  bool answered_ = false;
};

}  // namespace umla::bridge
