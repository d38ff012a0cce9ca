// The static agent's ELF entry point (linked with --entry=umla_entry when the boot path
// is ordered, agent/CMakeLists.txt): maps the image's data and the boot path's code
// before glibc's own start-up runs, then goes on at glibc's _start as if the kernel
// had started it there. glibc's start-up alone touches ~50 pages, each a host round
// trip inside UML; done here they cost one populate and one task start
// (agent/system/prewarm.h; measured in docs/benchmarks.md, "Prewarming"). Every
// command of this build starts here, not only a boot's run: cheap, and no command
// needs telling apart before the C library is up.
// x86-64 only, like UML's hosts here; nothing in it may need the C library.
#include "agent/system/prewarm.h"

extern "C" void umla_boot_path_end();

// The kernel starts a process with its stack pointer at argc and %rdx holding a
// function for atexit (0 from the kernel), both of which _start expects untouched:
// they wait in callee-saved registers. vfork: the child leaves at once (it shares
// the stack, so it may not return), the parent reaps it; its start is what maps the
// populated pages into the host.
__asm__(R"(
  .pushsection .text.umla_entry, "ax", @progbits
  .globl umla_entry
  .type umla_entry, @function
umla_entry:
  xor %ebp, %ebp
  mov %rsp, %rbx
  mov %rdx, %r12
  and $-16, %rsp
  lea umla_boot_path_end(%rip), %rdi
  call umla_populate_image
  mov $58, %eax            # vfork
  syscall
  test %rax, %rax
  jnz 1f
  mov $60, %eax            # the child: exit(0)
  xor %edi, %edi
  syscall
1:
  jl 2f                    # no child (an error): nothing to reap
  mov %rax, %rdi           # wait4(child, NULL, 0, NULL)
  xor %esi, %esi
  xor %edx, %edx
  xor %r10d, %r10d
  mov $61, %eax
  syscall
2:
  mov %rbx, %rsp
  mov %r12, %rdx
  jmp _start
  .size umla_entry, . - umla_entry
  .popsection
)");
