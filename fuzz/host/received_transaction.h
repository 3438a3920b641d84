// SPDX-License-Identifier: Apache-2.0
//
// A received transaction without a kernel: the fuzz input describes the
// buffer and object offsets a process would get from BR_TRANSACTION, and
// ReceivedTransaction does what the driver does to them on the way in
// (installs a descriptor for each fd object, turns each binder object into
// one of this process's stubs) before the parcel adopts the buffer the way
// the invoker does (SetDataReference with a release that closes the fds).
//
// Input layout (little-endian):
//   u8  flags      bit 0: pass the offsets as given; else keep only the
//                  prefix the driver would accept (aligned, in bounds,
//                  ascending, not overlapping)
//   u8  nOffsets   at most kMaxOffsets
//   u32 offsets[nOffsets]
//   u16 size       clamped to the bytes left
//   u8  data[size]
//   ...            the rest: the target's own script (ByteReader)
//
// An fd object's cookie picks what the "driver" installs for it:
//   cookie & 3        0 /dev/null, 1 memfd sealed read-only, 2 memfd sealed
//                     against shrinking, 3 unsealed memfd
//   (cookie >> 8)     the memfd's size, modulo kMaxMemfdSize
// A binder object's cookie picks the stub (modulo the number of stubs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ipckit/ipc_object_stub.h"
#include "ipckit/message_parcel.h"

namespace fuzz {

// Reads little-endian values from the front of a byte span; past the end
// every read gives zeros, so a script simply runs out.
class ByteReader {
public:
    ByteReader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    bool empty() const { return pos_ >= size_; }
    std::size_t left() const { return size_ - pos_; }
    uint8_t U8();
    uint16_t U16();
    uint32_t U32();
    uint64_t U64();
    // Up to `n` bytes (fewer at the end).
    std::span<const uint8_t> Bytes(std::size_t n);

private:
    const uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

inline constexpr std::size_t kMaxOffsets = 16;
inline constexpr uint64_t kMaxMemfdSize = 256 * 1024;
inline constexpr uint8_t kRawOffsets = 1;

enum class FdKind : uint8_t { kDevNull = 0, kSealedReadOnly = 1, kSealedShrink = 2, kUnsealed = 3 };

// The cookie that makes the "driver" install `kind` of `size` bytes.
constexpr uint64_t FdCookie(FdKind kind, uint64_t size)
{
    return static_cast<uint64_t>(kind) | (size << 8);
}

class ReceivedTransaction {
public:
    // Consumes the header and data from `in`. `stubs` (not empty) are the
    // local objects binder objects may name; they must outlive this.
    ReceivedTransaction(ByteReader& in, std::span<const ipckit::sptr<ipckit::IPCObjectStub>> stubs);
    // Closes the installed fds if no parcel took them.
    ~ReceivedTransaction();
    ReceivedTransaction(const ReceivedTransaction&) = delete;
    ReceivedTransaction& operator=(const ReceivedTransaction&) = delete;

    // parcel.SetDataReference as the invoker calls it. Whatever the result,
    // the parcel (or the failure path) owns the fds from here on. The
    // parcel must be emptied or destroyed before this object.
    bool Adopt(ipckit::MessageParcel& parcel);

    const std::vector<uint8_t>& data() const { return data_; }
    const std::vector<uint64_t>& offsets() const { return offsets_; }
    const std::vector<int>& installedFds() const { return fds_; }
    int releases() const { return releases_; }

    // Encodes the parcel's data and objects as a fuzz input header+data
    // (for seeds); the caller appends the script.
    static std::vector<uint8_t> Encode(const ipckit::Parcel& parcel, uint8_t flags = 0);

private:
    void Translate(std::span<const ipckit::sptr<ipckit::IPCObjectStub>> stubs);
    int Install(uint64_t cookie);
    void CloseFds();

    std::vector<uint8_t> data_;
    std::vector<uint64_t> offsets_;
    std::vector<int> fds_;  // what the "driver" installed; closed on release
    bool adopted_ = false;
    int releases_ = 0;
};

}  // namespace fuzz
