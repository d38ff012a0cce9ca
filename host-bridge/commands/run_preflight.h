// What `uml-bridge run` does before it starts a kernel: --cow puts a copy-on-write layer
// over the root image, then the preflight checks (preflight/preflight.h) run unless
// --no-preflight. Kept apart from run.cc so that file stays about the running guest.
#pragma once

#include <boost/program_options/options_description.hpp>

#include "host-bridge/commands/run.h"

namespace umla::bridge {

// --cow, --no-preflight and --strict, stored into `run`.
void AddPreflightOptions(boost::program_options::options_description& options, RunOptions* run);

// Rewrites the root ubd option for --cow and runs the preflight, printing what it found
// on stderr. Returns -1 to go on, or the exit status (2) when the kernel must not start.
int PrepareRun(RunOptions& run);

// `ubdN=IMAGE` of the root disk becomes `ubdN=COW,IMAGE`; an error naming the argument
// when there is no root ubd option or it already has a backing file. Pure.
Status PutRootOnCow(std::vector<std::string>& kernel_args, const std::string& cow_file);

}  // namespace umla::bridge
