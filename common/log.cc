#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace umla {

void SetupLogging(const std::string& program, const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>(
      program, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%n: %l: %v");
  auto parsed = spdlog::level::from_str(level);
  logger->set_level(parsed == spdlog::level::off && level != "off" ? spdlog::level::info
                                                                   : parsed);
  spdlog::set_default_logger(logger);
}

void QuietStderr() { spdlog::default_logger()->sinks().front()->set_level(spdlog::level::warn); }

void AddLogSink(spdlog::sink_ptr sink) {
  sink->set_pattern(spdlog::default_logger()->name() + ": %v");
  spdlog::default_logger()->sinks().push_back(std::move(sink));
}

void LogUntimed(spdlog::level::level_enum level, std::string_view line) {
  spdlog::logger* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  logger->log(spdlog::log_clock::time_point{}, spdlog::source_loc{}, level,
              spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace umla
