// SPDX-License-Identifier: Apache-2.0
//
// Ashmem over memfd. The rights of a region live in its seals, which belong
// to the file and so hold in every process that has a descriptor of it:
//
//   - CreateAshmem seals the size (F_SEAL_SHRINK | F_SEAL_GROW), so a
//     receiver that checked the size once can access all of it for good;
//   - SetProtection(PROT_READ) adds F_SEAL_FUTURE_WRITE (Linux >= 5.1):
//     from then on nobody can map the region writable, mprotect a new
//     mapping writable or write(2) to it. Rights already granted are not
//     revoked: writable mappings that exist at that moment (in any process)
//     stay writable, which is what lets the creator fill a region and then
//     hand it out read-only. On kernels without F_SEAL_FUTURE_WRITE it falls
//     back to F_SEAL_WRITE, which the kernel refuses (EBUSY) while a
//     writable mapping exists.
//
// WriteToAshmem and ReadFromAshmem check both the mapping's rights and the
// region's current ones, as IPC Kit does: after SetProtection(PROT_READ)
// WriteToAshmem fails even through an existing writable mapping.
#include "ipckit/ashmem.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ipckit/unique_fd.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

namespace ipckit {
namespace {

constexpr int kReadWrite = PROT_READ | PROT_WRITE;

// [offset, offset + size) lies in [0, limit), without overflowing.
bool InBounds(int32_t size, int32_t offset, int32_t limit) {
    return size > 0 && offset >= 0 && offset < limit && size <= limit - offset;
}

}  // namespace

sptr<Ashmem> Ashmem::CreateAshmem(const char* name, int32_t size) {
    if (!name || size <= 0) {
        errno = EINVAL;
        return nullptr;
    }
    UniqueFd fd(::memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd.valid())
        return nullptr;
    if (::ftruncate(fd.get(), size) != 0 ||
        ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0) {
        int err = errno;
        fd.reset();
        errno = err;
        return nullptr;
    }
    return MakeSptr<Ashmem>(fd.release(), size);
}

Ashmem::Ashmem(int fd, int32_t size) : fd_(fd), size_(fd >= 0 ? size : 0) {}

Ashmem::~Ashmem() {
    UnmapAshmem();
    CloseAshmem();
}

void Ashmem::CloseAshmem() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
    size_ = 0;
    // The mapping, if any, stays until UnmapAshmem or the destructor, so
    // pointers ReadFromAshmem handed out remain valid; reads and writes
    // through this object fail from now on.
}

bool Ashmem::MapAshmem(int mapType) {
    if (fd_ < 0 || size_ <= 0 || map_)
        return false;
    if ((mapType & kReadWrite) != mapType || !(mapType & PROT_READ))
        return false;
    if ((mapType & PROT_WRITE) && !(GetProtection() & PROT_WRITE))
        return false;
    // Never map past the end of the file: touching that would be SIGBUS.
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || st.st_size < size_)
        return false;
    void* p = ::mmap(nullptr, static_cast<std::size_t>(size_), mapType, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED)
        return false;
    map_ = p;
    mapSize_ = size_;
    mapType_ = mapType;
    return true;
}

void Ashmem::UnmapAshmem() {
    if (map_)
        ::munmap(map_, static_cast<std::size_t>(mapSize_));
    map_ = nullptr;
    mapSize_ = 0;
    mapType_ = 0;
}

bool Ashmem::SetProtection(int protectionType) const {
    int current = GetProtection();
    if (protectionType == kReadWrite)
        return current == kReadWrite;
    if (protectionType != PROT_READ || !(current & PROT_READ))
        return false;
    if (current == PROT_READ)
        return true;
    if (::fcntl(fd_, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) == 0)
        return true;
    // Before Linux 5.1: the stronger seal, refused while mapped writable.
    return errno == EINVAL && ::fcntl(fd_, F_ADD_SEALS, F_SEAL_WRITE) == 0;
}

int Ashmem::GetProtection() const {
    if (fd_ < 0)
        return PROT_NONE;
    int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0)
        return PROT_NONE;
    int prot;
    switch (flags & O_ACCMODE) {
    case O_RDWR:
        prot = kReadWrite;
        break;
    case O_RDONLY:
        prot = PROT_READ;
        break;
    default:  // write-only descriptors cannot be mapped at all
        return PROT_NONE;
    }
    int seals = ::fcntl(fd_, F_GET_SEALS);
    if (seals >= 0 && (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
        prot &= ~PROT_WRITE;
    return prot;
}

int32_t Ashmem::GetAshmemSize() const {
    return fd_ >= 0 ? size_ : 0;
}

bool Ashmem::WriteToAshmem(const void* data, int32_t size, int32_t offset) {
    if (!data || fd_ < 0 || !map_ || !(mapType_ & PROT_WRITE) ||
        !InBounds(size, offset, size_) || !(GetProtection() & PROT_WRITE))
        return false;
    std::memcpy(static_cast<char*>(map_) + offset, data, static_cast<std::size_t>(size));
    return true;
}

const void* Ashmem::ReadFromAshmem(int32_t size, int32_t offset) {
    if (fd_ < 0 || !map_ || !(mapType_ & PROT_READ) || !InBounds(size, offset, size_))
        return nullptr;
    return static_cast<const char*>(map_) + offset;
}

}  // namespace ipckit
