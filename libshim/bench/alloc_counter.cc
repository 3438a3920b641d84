// SPDX-License-Identifier: Apache-2.0
#include "alloc_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace shimbench {
namespace {

std::atomic<uint64_t> g_allocations{0};

}  // namespace

uint64_t HeapAllocations()
{
    return g_allocations.load(std::memory_order_relaxed);
}

}  // namespace shimbench

// The replaceable global allocation function. The library's own array and
// nothrow forms call it, and its operator delete frees with free(), so
// counting here and allocating with malloc() keeps every pair matched.
void* operator new(std::size_t size)
{
    shimbench::g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
