// SPDX-License-Identifier: Apache-2.0
//
// Counts the program's heap allocations through operator new (which every
// C++ allocation in libipckit goes through: parcels' buffers, vectors,
// std::function's callables), so the bench can say how many a SendRequest
// costs. alloc_counter.cc replaces the global operator new to count.
#pragma once

#include <cstdint>

namespace shimbench {

// Allocations made so far by this process (all threads).
uint64_t HeapAllocations();

}  // namespace shimbench
