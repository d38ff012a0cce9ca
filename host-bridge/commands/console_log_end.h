// The end of a console log file a detached guest writes itself (the bridge has no pipe
// to it), for the message when that guest goes before ready.
#pragma once

#include <sys/types.h>

#include <string>

#include "host-bridge/watch/console_tail.h"

namespace umla::bridge {

// The size of the regular file `path`: where a guest started now begins to append.
// 0 when there is none or it is something else (a FIFO, a device).
off_t ConsoleLogStart(const std::string& path);

// Feeds what was appended to the regular file `path` from offset `start` on (at most
// its last 64 KiB) to `tail`: the log is opened for appending, so what lies before
// `start` is an earlier guest's. Nothing when it cannot be read or is not a regular
// file (a FIFO or a device there is never opened).
void FeedConsoleLogEnd(const std::string& path, off_t start, ConsoleTail& tail);

}  // namespace umla::bridge
