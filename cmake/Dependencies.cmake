# Every dependency is a Debian package (installed by scripts/setup-deps.sh).

# Boost is linked from its .a so that the agent can be linked -static.
set(Boost_USE_STATIC_LIBS ON)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(nlohmann_json 3.10 REQUIRED)
find_path(SPDLOG_INCLUDE_DIR spdlog/spdlog.h REQUIRED)
find_path(FMT_INCLUDE_DIR fmt/format.h REQUIRED)

# Debian ships spdlog and fmt as shared libraries only; the agent must be static, so
# both are used header-only everywhere (one configuration for both programs).
add_library(umla_logging_deps INTERFACE)
target_include_directories(umla_logging_deps SYSTEM INTERFACE ${SPDLOG_INCLUDE_DIR} ${FMT_INCLUDE_DIR})
target_compile_definitions(umla_logging_deps INTERFACE
  SPDLOG_HEADER_ONLY SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY
  # No locale-aware number formatting: it would link std::locale and every facet into
  # the static agent (nothing here formats numbers for a locale).
  FMT_STATIC_THOUSANDS_SEPARATOR=',',
  # No pattern prints a thread id: without this each process's first message asks
  # the kernel for one (a syscall, ~0.1 ms inside UML, before the agent's hello).
  SPDLOG_NO_THREAD_ID)
