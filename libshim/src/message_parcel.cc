// SPDX-License-Identifier: Apache-2.0
//
// Parcel and MessageParcel, except the remote objects
// (message_parcel_objects.cc).
//
// Every write is checked for room before it touches the data, and compound
// writes (strings, vectors, tokens, raw data) reserve all their bytes first,
// so a write that fails leaves the parcel as it was. Reads check the bytes
// they need against the data size before looking at them, and restore the
// read position when any part of a compound value is missing or malformed.
#include "ipckit/message_parcel.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

#include <linux/ipckit.h>

#include "ipckit/ashmem.h"
#include "rpc_protocol.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010  // Linux 5.1; older libc headers lack it
#endif

namespace ipckit {
namespace {

constexpr std::size_t kAlign = 4;
// Every object the driver translates starts with a flat_binder_object-sized
// record (binder, handle, fd); offsets are validated against this size.
constexpr std::size_t kFlatObjectSize = sizeof(flat_binder_object);
constexpr std::size_t kMaxLength = std::numeric_limits<int32_t>::max();
// Small parcels (a token and a few ints) should not reallocate at all.
constexpr std::size_t kMinCapacity = 256;

// IPC Kit's MessageParcel writes this policy word; nothing reads it back.
constexpr int32_t kStrictModePolicy = 0x100;
constexpr int32_t kWorkSource = 0;

constexpr std::size_t Pad(std::size_t size) {
    return (size + kAlign - 1) & ~(kAlign - 1);
}

// Callers keep `size` below SIZE_MAX - 3 (lengths are int32, buffers are
// checked first), so Pad() cannot wrap.
bool PadChecked(std::size_t size, std::size_t& padded) {
    if (size > std::numeric_limits<std::size_t>::max() - (kAlign - 1))
        return false;
    padded = Pad(size);
    return true;
}

std::size_t StringWireSize(const std::string& s) {
    return sizeof(int32_t) + Pad(s.size() + 1);
}

std::size_t String16WireSize(const std::u16string& s) {
    return sizeof(int32_t) + Pad((s.size() + 1) * sizeof(char16_t));
}

// Appends a BINDER_TYPE_FD object for `fd`, which the parcel then owns;
// closes it if the object cannot be written. The driver keeps the cookie of
// fd objects as it is (it rewrites only the fd).
bool WriteOwnedFd(Parcel& parcel, int fd, uint64_t cookie = 0) {
    flat_binder_object obj{};
    obj.hdr.type = BINDER_TYPE_FD;
    obj.handle = static_cast<__u32>(fd);
    obj.cookie = cookie;
    if (!parcel.WriteFlatObject(&obj, sizeof(obj))) {
        ::close(fd);
        return false;
    }
    parcel.HoldFd(fd);
    return true;
}

// Wraps a received memfd in an Ashmem (which takes `fd` in every case).
// The region must really have `size` bytes and be sealed against shrinking:
// otherwise the sender could truncate it and make our reads fault. Raw data
// must also be sealed against writes, so it cannot change while we parse it.
sptr<Ashmem> AdoptRegion(int fd, std::size_t size, bool requireImmutable) {
    struct stat st{};
    const int seals = ::fcntl(fd, F_GET_SEALS);
    bool ok = size > 0 && size <= kMaxLength && ::fstat(fd, &st) == 0 &&
              st.st_size >= 0 && static_cast<std::size_t>(st.st_size) >= size &&
              seals >= 0 && (seals & F_SEAL_SHRINK);
    if (ok && requireImmutable)
        ok = (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0;
    if (!ok) {
        ::close(fd);
        return nullptr;
    }
    return MakeSptr<Ashmem>(fd, static_cast<int32_t>(size));
}

}  // namespace

// --- storage ---------------------------------------------------------------

Parcel::Parcel() = default;

Parcel::~Parcel() {
    FlushBuffer();
}

bool Parcel::Reallocate(std::size_t newCapacity) {
    std::unique_ptr<uint8_t[]> fresh;
    if (newCapacity > 0) {
        // nothrow: running out of memory is a failed write, not an abort.
        fresh.reset(new (std::nothrow) uint8_t[newCapacity]);
        if (!fresh)
            return false;
        if (dataSize_ > 0)
            std::memcpy(fresh.get(), data_, dataSize_);
        // SetDataSize may expose bytes past the data: never uninitialised.
        std::memset(fresh.get() + dataSize_, 0, newCapacity - dataSize_);
    }
    buffer_ = std::move(fresh);
    data_ = buffer_.get();
    capacity_ = newCapacity;
    return true;
}

bool Parcel::Reserve(std::size_t bytes) {
    if (external_ || bytes > maxCapacity_ - writePos_)
        return false;
    const std::size_t needed = writePos_ + bytes;
    if (needed <= capacity_)
        return true;
    // Geometric growth keeps appends amortised O(1); the max caps it.
    std::size_t grown = capacity_ > maxCapacity_ / 2 ? maxCapacity_
                                                     : std::max(capacity_ * 2, kMinCapacity);
    grown = std::min(grown, maxCapacity_);
    return Reallocate(std::max(grown, needed));
}

void Parcel::DropObjectsFrom(std::size_t end) {
    while (!offsets_.empty() && offsets_.back() + kFlatObjectSize > end)
        offsets_.pop_back();
}

void Parcel::ReleaseData() {
    if (external_) {
        external_ = false;
        // Moved out first: the callback runs once even if it re-enters us.
        auto release = std::exchange(release_, nullptr);
        if (release)
            release();
    }
    buffer_.reset();
    data_ = nullptr;
    dataSize_ = capacity_ = readPos_ = writePos_ = 0;
    offsets_.clear();
}

void Parcel::FlushBuffer() {
    ReleaseData();
    // Objects' destructors may run arbitrary code: drop them from a local.
    auto held = std::move(held_);
    held_.clear();
    auto fds = std::move(fds_);
    fds_.clear();
    for (int fd : fds)
        ::close(fd);
}

std::size_t Parcel::GetDataSize() const {
    return dataSize_;
}

std::size_t Parcel::GetWritableBytes() const {
    return capacity_ - writePos_;
}

std::size_t Parcel::GetReadableBytes() const {
    return dataSize_ - readPos_;
}

std::size_t Parcel::GetDataCapacity() const {
    return capacity_;
}

std::size_t Parcel::GetMaxCapacity() const {
    return maxCapacity_;
}

bool Parcel::SetMaxCapacity(std::size_t maxCapacity) {
    if (maxCapacity < dataSize_)
        return false;
    // Keep capacity <= max so GetWritableBytes never promises refused room.
    if (!external_ && capacity_ > maxCapacity && !Reallocate(maxCapacity))
        return false;
    maxCapacity_ = maxCapacity;
    return true;
}

bool Parcel::SetDataCapacity(std::size_t newCapacity) {
    if (external_ || newCapacity < dataSize_ || newCapacity > maxCapacity_)
        return false;
    return newCapacity == capacity_ || Reallocate(newCapacity);
}

bool Parcel::SetDataSize(std::size_t dataSize) {
    if (external_ || dataSize > capacity_)
        return false;
    if (dataSize < dataSize_) {
        // Writes stay 4-aligned, so the write position rounds down.
        writePos_ = std::min(writePos_, dataSize & ~(kAlign - 1));
        readPos_ = std::min(readPos_, dataSize);
        DropObjectsFrom(dataSize);
    }
    dataSize_ = dataSize;
    return true;
}

bool Parcel::ShrinkDataSize(std::size_t dataSize) {
    // An object cut in two would make the driver (or a reader) see half a
    // handle or fd: refuse rather than drop it silently.
    if (dataSize > dataSize_ ||
        (!offsets_.empty() && offsets_.back() + kFlatObjectSize > dataSize))
        return false;
    dataSize_ = dataSize;
    writePos_ = external_ ? dataSize : std::min(writePos_, dataSize & ~(kAlign - 1));
    readPos_ = std::min(readPos_, dataSize);
    return true;
}

std::size_t Parcel::GetReadPosition() const {
    return readPos_;
}

std::size_t Parcel::GetWritePosition() const {
    return writePos_;
}

bool Parcel::RewindRead(std::size_t newPosition) {
    if (newPosition > dataSize_)
        return false;
    readPos_ = newPosition;
    return true;
}

bool Parcel::RewindWrite(std::size_t offsets) {
    // Unaligned positions would misplace every later value and object.
    if (external_ || offsets > dataSize_ || offsets % kAlign != 0)
        return false;
    writePos_ = offsets;
    dataSize_ = offsets;
    readPos_ = std::min(readPos_, offsets);
    DropObjectsFrom(offsets);
    return true;
}

void Parcel::SkipBytes(std::size_t bytes) {
    readPos_ += std::min(bytes, GetReadableBytes());
}

uintptr_t Parcel::GetData() const {
    return reinterpret_cast<uintptr_t>(data_);
}

// --- primitives --------------------------------------------------------------

bool Parcel::WriteAligned(const void* data, std::size_t size) {
    std::size_t padded = 0;
    if (!PadChecked(size, padded) || !Reserve(padded))
        return false;
    if (size > 0)
        std::memcpy(data_ + writePos_, data, size);
    // Zeroed padding: the bytes sent never depend on stale contents.
    std::memset(data_ + writePos_ + size, 0, padded - size);
    writePos_ += padded;
    dataSize_ = std::max(dataSize_, writePos_);
    return true;
}

const uint8_t* Parcel::ReadAligned(std::size_t size) {
    std::size_t padded = 0;
    if (!PadChecked(size, padded) || padded > GetReadableBytes() || !data_)
        return nullptr;
    const uint8_t* p = data_ + readPos_;
    readPos_ += padded;
    return p;
}

template <typename T>
bool Parcel::WritePod(T value) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "the wire has 4- and 8-byte slots");
    return WriteAligned(&value, sizeof(value));
}

template <typename T>
bool Parcel::ReadPod(T& value) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "the wire has 4- and 8-byte slots");
    const uint8_t* p = ReadAligned(sizeof(T));
    if (!p)
        return false;
    // memcpy: 8-byte values are only 4-aligned in the data.
    std::memcpy(&value, p, sizeof(T));
    return true;
}

// IPC Kit widens the small types to an int32 slot.
bool Parcel::WriteBool(bool value) { return WritePod<int32_t>(value ? 1 : 0); }
bool Parcel::WriteInt8(int8_t value) { return WritePod<int32_t>(value); }
bool Parcel::WriteInt16(int16_t value) { return WritePod<int32_t>(value); }
bool Parcel::WriteInt32(int32_t value) { return WritePod(value); }
bool Parcel::WriteInt64(int64_t value) { return WritePod(value); }
bool Parcel::WriteUint8(uint8_t value) { return WritePod<int32_t>(value); }
bool Parcel::WriteUint16(uint16_t value) { return WritePod<int32_t>(value); }
bool Parcel::WriteUint32(uint32_t value) { return WritePod(value); }
bool Parcel::WriteUint64(uint64_t value) { return WritePod(value); }
bool Parcel::WriteFloat(float value) { return WritePod(value); }
bool Parcel::WriteDouble(double value) { return WritePod(value); }
// Always 8 bytes, so the layout does not depend on the word size.
bool Parcel::WritePointer(uintptr_t value) { return WritePod<uint64_t>(value); }

bool Parcel::ReadBool(bool& value) {
    int32_t v = 0;
    if (!ReadPod(v))
        return false;
    value = v != 0;
    return true;
}

bool Parcel::ReadInt8(int8_t& value) {
    int32_t v = 0;
    if (!ReadPod(v))
        return false;
    value = static_cast<int8_t>(v);
    return true;
}

bool Parcel::ReadInt16(int16_t& value) {
    int32_t v = 0;
    if (!ReadPod(v))
        return false;
    value = static_cast<int16_t>(v);
    return true;
}

bool Parcel::ReadUint8(uint8_t& value) {
    int32_t v = 0;
    if (!ReadPod(v))
        return false;
    value = static_cast<uint8_t>(v);
    return true;
}

bool Parcel::ReadUint16(uint16_t& value) {
    int32_t v = 0;
    if (!ReadPod(v))
        return false;
    value = static_cast<uint16_t>(v);
    return true;
}

bool Parcel::ReadInt32(int32_t& value) { return ReadPod(value); }
bool Parcel::ReadInt64(int64_t& value) { return ReadPod(value); }
bool Parcel::ReadUint32(uint32_t& value) { return ReadPod(value); }
bool Parcel::ReadUint64(uint64_t& value) { return ReadPod(value); }
bool Parcel::ReadFloat(float& value) { return ReadPod(value); }
bool Parcel::ReadDouble(double& value) { return ReadPod(value); }

namespace {

// The value-returning reads: the typed read, or T{} when it failed.
template <typename T, typename R>
T ReadOr0(R read) {
    T value{};
    return read(value) ? value : T{};
}

}  // namespace

bool Parcel::ReadBool() { return ReadOr0<bool>([this](bool& v) { return ReadBool(v); }); }
int8_t Parcel::ReadInt8() { return ReadOr0<int8_t>([this](int8_t& v) { return ReadInt8(v); }); }
int16_t Parcel::ReadInt16() {
    return ReadOr0<int16_t>([this](int16_t& v) { return ReadInt16(v); });
}
int32_t Parcel::ReadInt32() {
    return ReadOr0<int32_t>([this](int32_t& v) { return ReadInt32(v); });
}
int64_t Parcel::ReadInt64() {
    return ReadOr0<int64_t>([this](int64_t& v) { return ReadInt64(v); });
}
uint8_t Parcel::ReadUint8() {
    return ReadOr0<uint8_t>([this](uint8_t& v) { return ReadUint8(v); });
}
uint16_t Parcel::ReadUint16() {
    return ReadOr0<uint16_t>([this](uint16_t& v) { return ReadUint16(v); });
}
uint32_t Parcel::ReadUint32() {
    return ReadOr0<uint32_t>([this](uint32_t& v) { return ReadUint32(v); });
}
uint64_t Parcel::ReadUint64() {
    return ReadOr0<uint64_t>([this](uint64_t& v) { return ReadUint64(v); });
}
float Parcel::ReadFloat() { return ReadOr0<float>([this](float& v) { return ReadFloat(v); }); }
double Parcel::ReadDouble() {
    return ReadOr0<double>([this](double& v) { return ReadDouble(v); });
}
uintptr_t Parcel::ReadPointer() {
    return static_cast<uintptr_t>(
        ReadOr0<uint64_t>([this](uint64_t& v) { return ReadPod(v); }));
}

// --- strings and buffers -----------------------------------------------------

bool Parcel::WriteString(const std::string& value) {
    if (value.size() > kMaxLength || !Reserve(StringWireSize(value)))
        return false;
    WritePod(static_cast<int32_t>(value.size()));
    WriteAligned(value.c_str(), value.size() + 1);  // with its NUL
    return true;
}

bool Parcel::WriteString16(const std::u16string& value) {
    if (value.size() > kMaxLength || !Reserve(String16WireSize(value)))
        return false;
    WritePod(static_cast<int32_t>(value.size()));
    WriteAligned(value.c_str(), (value.size() + 1) * sizeof(char16_t));
    return true;
}

// CString has String's layout (length, bytes, NUL); only the read differs.
bool Parcel::WriteCString(const char* value) {
    return value != nullptr && WriteString(value);
}

const char* Parcel::ReadStringBytes(std::size_t& length) {
    const std::size_t start = readPos_;
    int32_t n = 0;
    // -1 (IPC Kit's null string) has no std::string: a failure like any
    // other negative length.
    if (ReadPod(n) && n >= 0) {
        const uint8_t* p = ReadAligned(static_cast<std::size_t>(n) + 1);
        if (p && p[n] == '\0') {
            length = static_cast<std::size_t>(n);
            return reinterpret_cast<const char*>(p);
        }
    }
    readPos_ = start;
    return nullptr;
}

bool Parcel::ReadString(std::string& value) {
    std::size_t length = 0;
    const char* p = ReadStringBytes(length);
    if (!p)
        return false;
    value.assign(p, length);
    return true;
}

std::string Parcel::ReadString() {
    std::string value;
    ReadString(value);
    return value;
}

const char* Parcel::ReadCString() {
    std::size_t length = 0;
    return ReadStringBytes(length);
}

bool Parcel::ReadString16(std::u16string& value) {
    const std::size_t start = readPos_;
    int32_t n = 0;
    if (ReadPod(n) && n >= 0) {
        const std::size_t units = static_cast<std::size_t>(n);
        // Bounds-checked before the string is allocated.
        const uint8_t* p = ReadAligned((units + 1) * sizeof(char16_t));
        char16_t nul = 1;
        if (p)
            std::memcpy(&nul, p + units * sizeof(char16_t), sizeof(nul));
        if (p && nul == 0) {
            value.resize(units);
            std::memcpy(value.data(), p, units * sizeof(char16_t));
            return true;
        }
    }
    readPos_ = start;
    return false;
}

std::u16string Parcel::ReadString16() {
    std::u16string value;
    ReadString16(value);
    return value;
}

// As in IPC Kit, an empty buffer is refused: a read of 0 bytes could not
// tell "present" from "absent".
bool Parcel::WriteBuffer(const void* data, std::size_t size) {
    return data != nullptr && size > 0 && WriteAligned(data, size);
}

// Pads like WriteBuffer (IPC Kit's does too, in practice), so whatever is
// written after it stays aligned.
bool Parcel::WriteUnpadBuffer(const void* data, std::size_t size) {
    return WriteBuffer(data, size);
}

const uint8_t* Parcel::ReadBuffer(std::size_t length) {
    return length > 0 ? ReadAligned(length) : nullptr;
}

// Needs only the `length` bytes themselves (data from elsewhere may end
// unpadded) but skips the padding when it is there, matching the write.
const uint8_t* Parcel::ReadUnpadBuffer(std::size_t length) {
    if (length == 0 || length > GetReadableBytes() || !data_)
        return nullptr;
    const uint8_t* p = data_ + readPos_;
    readPos_ += std::min(Pad(length), GetReadableBytes());
    return p;
}

// --- vectors -----------------------------------------------------------------

template <typename T, typename S, typename W>
bool Parcel::WriteVector(const std::vector<T>& v, S wireSize, W write) {
    if (v.size() > kMaxLength)
        return false;
    // All of it is reserved first: no half-written vector on failure.
    std::size_t total = sizeof(int32_t);
    for (const auto& e : v) {
        const std::size_t s = wireSize(e);
        if (s > maxCapacity_ || total > maxCapacity_ - s)
            return false;
        total += s;
    }
    if (!Reserve(total))
        return false;
    WritePod(static_cast<int32_t>(v.size()));
    for (const auto& e : v)
        write(e);
    return true;
}

template <typename T, typename R>
bool Parcel::ReadVector(std::vector<T>* v, std::size_t minWireSize, R read) {
    if (!v)
        return false;
    const std::size_t start = readPos_;
    int32_t n = 0;
    // Bound the count by the bytes left before allocating anything: a
    // forged count must not make us reserve gigabytes.
    if (!ReadPod(n) || n < 0 || static_cast<std::size_t>(n) > GetReadableBytes() / minWireSize) {
        readPos_ = start;
        return false;
    }
    std::vector<T> out;
    out.reserve(static_cast<std::size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
        T e{};
        if (!read(e)) {
            readPos_ = start;
            return false;
        }
        out.push_back(std::move(e));
    }
    *v = std::move(out);
    return true;
}

namespace {

// Wire size of a fixed-size element.
template <std::size_t N>
constexpr auto kSlot = [](const auto&) { return N; };

// The smallest a string can be: its length and a padded NUL.
constexpr std::size_t kMinStringWireSize = 8;

}  // namespace

bool Parcel::WriteBoolVector(const std::vector<bool>& v) {
    return WriteVector(v, kSlot<4>, [this](bool e) { return WriteBool(e); });
}
bool Parcel::WriteInt8Vector(const std::vector<int8_t>& v) {
    return WriteVector(v, kSlot<4>, [this](int8_t e) { return WriteInt8(e); });
}
bool Parcel::WriteInt16Vector(const std::vector<int16_t>& v) {
    return WriteVector(v, kSlot<4>, [this](int16_t e) { return WriteInt16(e); });
}
bool Parcel::WriteInt32Vector(const std::vector<int32_t>& v) {
    return WriteVector(v, kSlot<4>, [this](int32_t e) { return WriteInt32(e); });
}
bool Parcel::WriteInt64Vector(const std::vector<int64_t>& v) {
    return WriteVector(v, kSlot<8>, [this](int64_t e) { return WriteInt64(e); });
}
bool Parcel::WriteUInt8Vector(const std::vector<uint8_t>& v) {
    return WriteVector(v, kSlot<4>, [this](uint8_t e) { return WriteUint8(e); });
}
bool Parcel::WriteUInt16Vector(const std::vector<uint16_t>& v) {
    return WriteVector(v, kSlot<4>, [this](uint16_t e) { return WriteUint16(e); });
}
bool Parcel::WriteUInt32Vector(const std::vector<uint32_t>& v) {
    return WriteVector(v, kSlot<4>, [this](uint32_t e) { return WriteUint32(e); });
}
bool Parcel::WriteUInt64Vector(const std::vector<uint64_t>& v) {
    return WriteVector(v, kSlot<8>, [this](uint64_t e) { return WriteUint64(e); });
}
bool Parcel::WriteFloatVector(const std::vector<float>& v) {
    return WriteVector(v, kSlot<4>, [this](float e) { return WriteFloat(e); });
}
bool Parcel::WriteDoubleVector(const std::vector<double>& v) {
    return WriteVector(v, kSlot<8>, [this](double e) { return WriteDouble(e); });
}
bool Parcel::WriteStringVector(const std::vector<std::string>& v) {
    return WriteVector(v, StringWireSize,
                       [this](const std::string& e) { return WriteString(e); });
}
bool Parcel::WriteString16Vector(const std::vector<std::u16string>& v) {
    return WriteVector(v, String16WireSize,
                       [this](const std::u16string& e) { return WriteString16(e); });
}

bool Parcel::ReadBoolVector(std::vector<bool>* v) {
    return ReadVector(v, 4, [this](bool& e) { return ReadBool(e); });
}
bool Parcel::ReadInt8Vector(std::vector<int8_t>* v) {
    return ReadVector(v, 4, [this](int8_t& e) { return ReadInt8(e); });
}
bool Parcel::ReadInt16Vector(std::vector<int16_t>* v) {
    return ReadVector(v, 4, [this](int16_t& e) { return ReadInt16(e); });
}
bool Parcel::ReadInt32Vector(std::vector<int32_t>* v) {
    return ReadVector(v, 4, [this](int32_t& e) { return ReadInt32(e); });
}
bool Parcel::ReadInt64Vector(std::vector<int64_t>* v) {
    return ReadVector(v, 8, [this](int64_t& e) { return ReadInt64(e); });
}
bool Parcel::ReadUInt8Vector(std::vector<uint8_t>* v) {
    return ReadVector(v, 4, [this](uint8_t& e) { return ReadUint8(e); });
}
bool Parcel::ReadUInt16Vector(std::vector<uint16_t>* v) {
    return ReadVector(v, 4, [this](uint16_t& e) { return ReadUint16(e); });
}
bool Parcel::ReadUInt32Vector(std::vector<uint32_t>* v) {
    return ReadVector(v, 4, [this](uint32_t& e) { return ReadUint32(e); });
}
bool Parcel::ReadUInt64Vector(std::vector<uint64_t>* v) {
    return ReadVector(v, 8, [this](uint64_t& e) { return ReadUint64(e); });
}
bool Parcel::ReadFloatVector(std::vector<float>* v) {
    return ReadVector(v, 4, [this](float& e) { return ReadFloat(e); });
}
bool Parcel::ReadDoubleVector(std::vector<double>* v) {
    return ReadVector(v, 8, [this](double& e) { return ReadDouble(e); });
}
bool Parcel::ReadStringVector(std::vector<std::string>* v) {
    return ReadVector(v, kMinStringWireSize, [this](std::string& e) { return ReadString(e); });
}
bool Parcel::ReadString16Vector(std::vector<std::u16string>* v) {
    return ReadVector(v, kMinStringWireSize,
                      [this](std::u16string& e) { return ReadString16(e); });
}

bool Parcel::WriteParcelable(const Parcelable* object) {
    if (!object)
        return WriteInt32(0);
    // Marshalling's size is unknown up front: undo a partial one instead.
    const std::size_t writePos = writePos_;
    const std::size_t dataSize = dataSize_;
    if (WriteInt32(1) && object->Marshalling(*this))
        return true;
    writePos_ = writePos;
    dataSize_ = dataSize;
    readPos_ = std::min(readPos_, dataSize_);
    DropObjectsFrom(writePos_);
    return false;
}

// --- objects -------------------------------------------------------------------

const std::vector<uint64_t>& Parcel::GetObjectOffsets() const {
    return offsets_;
}

bool Parcel::WriteFlatObject(const void* flatObject, std::size_t size) {
    // The driver reads whole flat objects at 4-aligned offsets.
    if (!flatObject || size < kFlatObjectSize || writePos_ % kAlign != 0)
        return false;
    const std::size_t at = writePos_;
    if (!WriteAligned(flatObject, size))
        return false;
    offsets_.push_back(at);
    return true;
}

const void* Parcel::ReadFlatObject(std::size_t size) {
    // Only where an object was recorded: data that merely looks like one
    // (written as plain bytes) must never be taken for a handle or an fd.
    if (size == 0 || !std::binary_search(offsets_.begin(), offsets_.end(),
                                         static_cast<uint64_t>(readPos_)))
        return nullptr;
    return ReadAligned(size);
}

bool Parcel::SetDataReference(const void* data, std::size_t size, const uint64_t* offsets,
                              std::size_t nOffsets, std::function<void()> release) {
    FlushBuffer();
    bool valid = (data != nullptr || size == 0) && (offsets != nullptr || nOffsets == 0);
    // Offsets come from the other side: each must hold a whole object,
    // aligned, after the previous one.
    for (std::size_t i = 0; valid && i < nOffsets; ++i) {
        const uint64_t o = offsets[i];
        valid = o % kAlign == 0 && size >= kFlatObjectSize && o <= size - kFlatObjectSize &&
                (i == 0 || o >= offsets[i - 1] + kFlatObjectSize);
    }
    if (!valid) {
        // The caller handed the data over: it is released now, not leaked.
        if (release)
            release();
        return false;
    }
    offsets_.assign(offsets, offsets + nOffsets);
    // Never written through: every write checks external_ first.
    data_ = const_cast<uint8_t*>(static_cast<const uint8_t*>(data));
    dataSize_ = capacity_ = writePos_ = size;
    readPos_ = 0;
    external_ = true;
    release_ = std::move(release);
    return true;
}

void Parcel::HoldObject(const sptr<RefBase>& object) {
    if (object)
        held_.push_back(object);
}

void Parcel::HoldFd(int fd) {
    if (fd >= 0)
        fds_.push_back(fd);
}

// --- MessageParcel ---------------------------------------------------------------

MessageParcel::MessageParcel() = default;

MessageParcel::~MessageParcel() = default;

bool MessageParcel::WriteFileDescriptor(int fd) {
    if (fd < 0)
        return false;
    // Our own copy: the caller may close theirs before the parcel is sent.
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    return copy >= 0 && WriteOwnedFd(*this, copy);
}

int MessageParcel::ReadFileDescriptor() {
    const std::size_t start = GetReadPosition();
    const void* p = ReadFlatObject(sizeof(flat_binder_object));
    if (!p)
        return -1;
    flat_binder_object obj;
    std::memcpy(&obj, p, sizeof(obj));
    // A dup, so the caller's descriptor outlives the parcel's.
    const int copy = obj.hdr.type == BINDER_TYPE_FD
                         ? ::fcntl(static_cast<int>(obj.handle), F_DUPFD_CLOEXEC, 0)
                         : -1;
    if (copy < 0)
        RewindRead(start);
    return copy;
}

bool MessageParcel::WriteInterfaceToken(const std::u16string& name) {
    if (name.size() > kMaxLength || !Reserve(2 * sizeof(int32_t) + String16WireSize(name)))
        return false;
    WriteInt32(kStrictModePolicy);
    WriteInt32(kWorkSource);
    WriteString16(name);
    return true;
}

std::u16string MessageParcel::ReadInterfaceToken() {
    const std::size_t start = GetReadPosition();
    int32_t policy = 0;
    int32_t workSource = 0;
    std::u16string name;
    if (ReadInt32(policy) && ReadInt32(workSource) && ReadString16(name))
        return name;
    RewindRead(start);
    return u"";
}

bool MessageParcel::WriteRawData(const void* data, std::size_t size) {
    if (!data || size == 0 || size > kMaxRawDataSize)
        return false;
    if (size <= kMaxRawDataInline) {
        if (!Reserve(sizeof(int32_t) + Pad(size)))
            return false;
        WriteInt32(static_cast<int32_t>(size));
        WriteBuffer(data, size);
        rawDataSize_ = size;
        return true;
    }
    if (!Reserve(sizeof(int32_t) + kFlatObjectSize))
        return false;
    sptr<Ashmem> region = Ashmem::CreateAshmem("ipckit-raw", static_cast<int32_t>(size));
    if (!region || !region->MapReadAndWriteAshmem() ||
        !region->WriteToAshmem(data, static_cast<int32_t>(size), 0))
        return false;
    // Sealed read-only (no mapping may be writable then): the receiver
    // parses data nobody can change under it.
    region->UnmapAshmem();
    if (!region->SetProtection(PROT_READ))
        return false;
    // The parcel keeps a dup of the memfd, not the Ashmem: no mapping of
    // up to 128 MiB stays around while the parcel waits to be sent.
    const int copy = ::fcntl(region->GetAshmemFd(), F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        return false;
    WriteInt32(static_cast<int32_t>(size));
    WriteOwnedFd(*this, copy, detail::RPC_RAW_DATA_COOKIE);
    rawDataSize_ = size;
    return true;
}

const void* MessageParcel::ReadRawData(std::size_t size) {
    const std::size_t start = GetReadPosition();
    int32_t n = 0;
    if (size == 0 || size > kMaxRawDataSize || !ReadInt32(n) || n < 0 ||
        static_cast<std::size_t>(n) != size) {
        RewindRead(start);
        return nullptr;
    }
    const void* p = nullptr;
    if (size <= kMaxRawDataInline) {
        p = ReadBuffer(size);
    } else {
        const int fd = ReadFileDescriptor();
        sptr<Ashmem> region = fd >= 0 ? AdoptRegion(fd, size, true) : nullptr;
        if (region && region->MapReadOnlyAshmem())
            p = region->ReadFromAshmem(static_cast<int32_t>(size), 0);
        // Held, not kept in one member: an earlier ReadRawData's pointer
        // must stay valid too.
        if (p)
            HoldObject(region);
    }
    if (!p) {
        RewindRead(start);
        return nullptr;
    }
    rawDataSize_ = size;
    return p;
}

std::size_t MessageParcel::GetRawDataSize() const {
    return rawDataSize_;
}

bool MessageParcel::WriteAshmem(const sptr<Ashmem>& ashmem) {
    if (!ashmem || ashmem->GetAshmemFd() < 0 || ashmem->GetAshmemSize() <= 0 ||
        !Reserve(kFlatObjectSize + sizeof(int32_t)))
        return false;
    // After Reserve only the dup can fail, and then nothing was written.
    if (!WriteFileDescriptor(ashmem->GetAshmemFd()))
        return false;
    WriteInt32(ashmem->GetAshmemSize());
    return true;
}

sptr<Ashmem> MessageParcel::ReadAshmem() {
    const std::size_t start = GetReadPosition();
    const int fd = ReadFileDescriptor();
    if (fd < 0)
        return nullptr;
    int32_t size = 0;
    sptr<Ashmem> region;
    if (!ReadInt32(size) || size <= 0)
        ::close(fd);
    else
        region = AdoptRegion(fd, static_cast<std::size_t>(size), false);
    if (!region)
        RewindRead(start);
    return region;
}

}  // namespace ipckit
