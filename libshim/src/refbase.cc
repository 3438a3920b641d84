// SPDX-License-Identifier: Apache-2.0
//
// RefBase's counters. An object lives while it has strong references (or,
// if it never had one, while it has weak ones); the counter block lives
// while any reference, strong or weak, exists.
#include "ipckit/refbase.h"

namespace ipckit {
namespace detail {

void RefCounter::IncStrong(const void* id)
{
    IncWeak();
    int c = strong_.fetch_add(1, std::memory_order_relaxed);
    if (c == kInitialStrong) {
        strong_.fetch_sub(kInitialStrong, std::memory_order_relaxed);
        object_->OnFirstStrongRef(id);
    }
}

void RefCounter::DecStrong(const void* id)
{
    if (strong_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        RefBase* object = object_;
        object->OnLastStrongRef(id);
        delete object;
    }
    DecWeak();  // may free this block: nothing after
}

void RefCounter::DecWeak()
{
    if (weak_.fetch_sub(1, std::memory_order_acq_rel) != 1)
        return;
    if (strong_.load(std::memory_order_acquire) == kInitialStrong && object_) {
        // Only weak references ever: the last one owns the object.
        RefBase* object = object_;
        object_ = nullptr;
        delete object;
    }
    delete this;
}

bool RefCounter::AttemptIncStrong(const void* id)
{
    IncWeak();
    int c = strong_.load(std::memory_order_relaxed);
    while (c > 0 && c != kInitialStrong) {
        if (strong_.compare_exchange_weak(c, c + 1, std::memory_order_relaxed))
            return true;
    }
    if (c == kInitialStrong) {
        c = strong_.fetch_add(1, std::memory_order_relaxed);
        if (c == kInitialStrong) {
            strong_.fetch_sub(kInitialStrong, std::memory_order_relaxed);
            object_->OnFirstStrongRef(id);
        }
        return true;
    }
    DecWeak();
    return false;
}

}  // namespace detail

RefBase::~RefBase()
{
    // Never referenced (e.g. on the stack): nobody else frees the block.
    if (refs_->object_ == this && refs_->WeakCount() == 0)
        delete refs_;
}

}  // namespace ipckit
