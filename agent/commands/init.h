// `init=/sbin/uml-agent`: the PID-1 wrapper. Mounts /proc, /sys, /dev and /run when
// missing, runs the fixups in a child process with a time limit (a crash or a hang
// in a step cannot take PID 1 down), reports, then ALWAYS execs the real init with
// the kernel's init arguments: setting init.exec (default /sbin/init), falling back
// like the kernel to /sbin/init, /etc/init, /bin/init, /bin/sh. Never returns unless
// no init at all can be executed (then the kernel panics, as it would without us).
#pragma once

namespace umla::agent {

[[noreturn]] void RunInit(int argc, char** argv);

struct BootOptions;
// `uml-agent boot` on a running system (not --dry-run, not --root): the fixups run in
// a child process under the same time limit as in the wrapper (init.timeout_ms), so
// a hung mount or a crashing step cannot hold up the init script that called it; then
// the ready phase (for --phase all). Returns 0 when every step was ok, else 1.
int RunBootGuarded(BootOptions options);

}  // namespace umla::agent
