// Log setup shared by both programs: spdlog to stderr, plus optional extra sinks
// (the agent adds /dev/kmsg so early-boot messages land in the kernel log).
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace umla {

// Installs the default logger "<program>" writing to stderr at `level`
// ("debug", "info", "warn", "error"; unknown names mean info).
void SetupLogging(const std::string& program, const std::string& level);
// Adds a sink to the default logger (used for /dev/kmsg in the guest).
void AddLogSink(spdlog::sink_ptr sink);
// From now on stderr gets only warnings and errors; the other sinks still get every
// level the logger lets through.
void QuietStderr();
// Logs an already formatted line without the time of day: no pattern set here shows
// it (the kernel log stamps its own), and spdlog reads the clock for every message
// otherwise, a syscall of ~0.1 ms inside UML. For lines on the agent's boot path.
void LogUntimed(spdlog::level::level_enum level, std::string_view line);

}  // namespace umla
