// Getting the pages a run will touch mapped before it touches them. Inside UML a
// process pays a host round trip (~0.1-0.3 ms) the first time it touches each page,
// even one the guest kernel has already mapped (MAP_POPULATE), with one exception: when
// a task starts in an address space, UML maps into the host every page the guest has
// in that address space's page tables, in a few batched calls (docs/benchmarks.md,
// "Prewarming").
#pragma once

#include <cstddef>

// This executable's own image: has the guest map every writable segment (data, bss)
// and the code from the start of the executable segment up to `code_end` (the boot
// path's code when the linker put it first; nullptr: no code). The segments come from
// the program headers; only raw syscalls, no stack protector: safe at the ELF entry,
// before the C library has set itself up (agent/entry.cc runs it there, before glibc's
// start-up touches ~50 pages of its own). Best effort; C linkage for that entry.
extern "C" void umla_populate_image(const void* code_end);

namespace umla::agent {

// Makes the guest kernel map [address, address + bytes) as private writable pages now
// (page-aligned inward); the next task started in this address space finds them
// mapped in the host too. Best effort: a kernel without MADV_POPULATE_WRITE (< 5.14)
// just leaves them to fault.
void PopulateForWrite(void* address, size_t bytes);

// Starts and reaps a task that does nothing in this address space (vfork, _exit), so
// that every page populated so far is mapped in the host at once.
void MapIntoHost();

// For a run about to do a boot's work: populates malloc's heap as it is (glibc's
// first 132 KiB hold a boot's peak: growing it ahead measured slower) and grows the
// stack by `stack_reserve`, and maps both into the host. For a process of one thread
// (the agent): once threads have arenas of their own, the heap's range is not known
// this way and only the stack is populated. Saves a fault per page of them
// the run then touches. Best effort, never fails.
void PrewarmHeapAndStack(size_t stack_reserve);

// What a boot's run grows its stack to (peak seen in the benchmark's guests: under
// 64 KiB).
inline constexpr size_t kBootStackReserve = 64 << 10;

}  // namespace umla::agent
