// Getting the pages a run will touch mapped before it touches them. Inside UML a
// process pays a host round trip (~0.1-0.3 ms) the first time it touches each page,
// even one the guest kernel has already mapped (MAP_POPULATE), with one exception: when
// a task starts in an address space, UML maps into the host every page the guest has
// in that address space's page tables, in a few batched calls (docs/benchmarks.md,
// "Prewarming").
#pragma once

#include <cstddef>

namespace umla::agent {

// Makes the guest kernel map [address, address + bytes) as private writable pages now
// (page-aligned inward); the next task started in this address space finds them
// mapped in the host too. Best effort: a kernel without MADV_POPULATE_WRITE (< 5.14)
// just leaves them to fault.
void PopulateForWrite(void* address, size_t bytes);

// For a run about to do a boot's work: grows the heap by `heap_reserve` bytes and the
// stack by `stack_reserve` (kept: malloc must have been told not to trim), has the
// guest map every writable mapping of the process (/proc/self/maps: data, bss, heap,
// stack) and the code from the start of the executable mapping up to `code_end` (the
// boot path's code when the linker put it first; nullptr: no code), then starts and
// reaps a task that does nothing (vfork, _exit) so that all of it is mapped in the host
// at once. Saves a fault per page of them the run then touches. Best effort, never
// fails.
void PrewarmAddressSpace(size_t heap_reserve, size_t stack_reserve, const void* code_end);

// What a boot's run grows its heap and stack to (peaks seen in the benchmark's guests:
// ~300 KiB of heap, under 64 KiB of stack).
inline constexpr size_t kBootHeapReserve = 384 << 10;
inline constexpr size_t kBootStackReserve = 64 << 10;

}  // namespace umla::agent
