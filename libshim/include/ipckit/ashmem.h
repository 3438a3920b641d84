// SPDX-License-Identifier: Apache-2.0
//
// Ashmem: anonymous shared memory, IPC Kit's API over Linux memfd.
//
// A region is created with a fixed size (sealed against growing and
// shrinking, so a receiver can trust it) and passed between processes as a
// file descriptor (MessageParcel::WriteAshmem). SetProtection can only take
// rights away, and that is enforced by the kernel with seals: after
// SetProtection(PROT_READ) nobody, in any process, can map it writable or
// write() to it again. Rights already granted are kept: writable mappings
// that exist when the protection drops stay writable (F_SEAL_FUTURE_WRITE,
// Linux >= 5.1), so the creator can fill a region, drop to PROT_READ and
// send it.
#pragma once

#include <sys/mman.h>

#include <cstdint>

#include "ipckit/refbase.h"

namespace ipckit {

class Ashmem : public virtual RefBase {
public:
    // A new region of `size` bytes (> 0), named `name` in /proc/<pid>/fd;
    // null on failure (errno says why).
    static sptr<Ashmem> CreateAshmem(const char* name, int32_t size);

    // Adopts `fd`, a memfd of at least `size` bytes (closed by CloseAshmem
    // or the destructor).
    Ashmem(int fd, int32_t size);
    ~Ashmem() override;

    // Closes the descriptor; every operation but UnmapAshmem fails after
    // it. The mapping, if any, stays until UnmapAshmem or the destructor,
    // so pointers ReadFromAshmem returned remain valid until then.
    void CloseAshmem();
    // Maps the whole region with `mapType` (PROT_READ, PROT_READ|PROT_WRITE);
    // false if already mapped, closed, not allowed by the protection, or
    // the file is smaller than the size.
    bool MapAshmem(int mapType);
    bool MapReadAndWriteAshmem() { return MapAshmem(PROT_READ | PROT_WRITE); }
    bool MapReadOnlyAshmem() { return MapAshmem(PROT_READ); }
    void UnmapAshmem();
    // PROT_READ|PROT_WRITE (no change) or PROT_READ; raising rights fails,
    // and so does anything else (PROT_NONE, PROT_EXEC).
    bool SetProtection(int protectionType) const;
    // PROT_READ|PROT_WRITE, PROT_READ once write-sealed; PROT_NONE if closed.
    int GetProtection() const;
    int32_t GetAshmemSize() const;
    // Copies into / out of the mapping; bounds-checked against the size,
    // the mapping's rights and the offset. ReadFromAshmem returns a pointer
    // into the mapping, or null.
    bool WriteToAshmem(const void* data, int32_t size, int32_t offset);
    const void* ReadFromAshmem(int32_t size, int32_t offset);
    int GetAshmemFd() const { return fd_; }

private:
    int fd_;
    int32_t size_;
    void* map_ = nullptr;
    int32_t mapSize_ = 0;  // outlives size_ across CloseAshmem
    int mapType_ = 0;
};

}  // namespace ipckit
