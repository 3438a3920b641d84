// SPDX-License-Identifier: Apache-2.0
//
// Parcel and MessageParcel: the data of a request or reply, laid out as IPC
// Kit lays it out (4-byte aligned; bool, int8 and int16 travel as int32;
// strings as an int32 length, the characters, a NUL, padding), plus the
// objects the driver translates on the way: remote objects, file
// descriptors, shared memory.
//
// Reads never go past the data: a read that does not fit, or finds the
// wrong kind of object, fails (false, or a default value) and leaves the
// read position where it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ipckit/refbase.h"

namespace ipckit {

class Ashmem;
class IRemoteObject;
class Parcel;

// An object that writes itself into a parcel. By IPC Kit's convention a
// Parcelable type T also has `static T* Unmarshalling(Parcel&)` (or one
// returning sptr<T>), which ReadParcelable<T>() calls.
class Parcelable : public virtual RefBase {
public:
    virtual bool Marshalling(Parcel& parcel) const = 0;
};

class Parcel {
public:
    static constexpr std::size_t kDefaultMaxCapacity = 200 * 1024;

    Parcel();
    virtual ~Parcel();
    Parcel(const Parcel&) = delete;
    Parcel& operator=(const Parcel&) = delete;

    // Sizes and positions, in bytes.
    std::size_t GetDataSize() const;
    std::size_t GetWritableBytes() const;   // capacity left before growing
    std::size_t GetReadableBytes() const;   // data left to read
    std::size_t GetDataCapacity() const;
    std::size_t GetMaxCapacity() const;
    // Raises the limit the data may grow to; a lower value than the data
    // already written is refused (false).
    bool SetMaxCapacity(std::size_t maxCapacity);
    bool SetDataCapacity(std::size_t newCapacity);
    bool SetDataSize(std::size_t dataSize);
    // Forgets the data past `dataSize`, also for external (received) data,
    // whose buffer stays as it is until released. False, changing nothing,
    // if that is more than the data or would cut an object off: every
    // object must lie wholly below. The library uses it to strip RPC
    // trailers (rpc_protocol.h) before a stub sees the data.
    bool ShrinkDataSize(std::size_t dataSize);
    std::size_t GetReadPosition() const;
    std::size_t GetWritePosition() const;
    bool RewindRead(std::size_t newPosition);
    // Truncates the data to `offsets` (a multiple of 4, at most the data
    // size) and writes on from there; objects past it are forgotten.
    bool RewindWrite(std::size_t offsets);
    void SkipBytes(std::size_t bytes);
    uintptr_t GetData() const;
    // Empties the parcel (data, objects, held references).
    void FlushBuffer();

    bool WriteBool(bool value);
    bool WriteInt8(int8_t value);
    bool WriteInt16(int16_t value);
    bool WriteInt32(int32_t value);
    bool WriteInt64(int64_t value);
    bool WriteUint8(uint8_t value);
    bool WriteUint16(uint16_t value);
    bool WriteUint32(uint32_t value);
    bool WriteUint64(uint64_t value);
    bool WriteFloat(float value);
    bool WriteDouble(double value);
    bool WritePointer(uintptr_t value);
    bool WriteString(const std::string& value);
    bool WriteString16(const std::u16string& value);
    // String's layout; ReadCString returns a pointer into the data.
    bool WriteCString(const char* value);
    // `size` (> 0) bytes, padded to 4; no length is written. The unpadded
    // variant pads too (as IPC Kit's does in practice).
    bool WriteBuffer(const void* data, std::size_t size);
    bool WriteUnpadBuffer(const void* data, std::size_t size);

    bool ReadBool();
    int8_t ReadInt8();
    int16_t ReadInt16();
    int32_t ReadInt32();
    int64_t ReadInt64();
    uint8_t ReadUint8();
    uint16_t ReadUint16();
    uint32_t ReadUint32();
    uint64_t ReadUint64();
    float ReadFloat();
    double ReadDouble();
    uintptr_t ReadPointer();
    std::string ReadString();
    std::u16string ReadString16();
    const char* ReadCString();
    bool ReadBool(bool& value);
    bool ReadInt8(int8_t& value);
    bool ReadInt16(int16_t& value);
    bool ReadInt32(int32_t& value);
    bool ReadInt64(int64_t& value);
    bool ReadUint8(uint8_t& value);
    bool ReadUint16(uint16_t& value);
    bool ReadUint32(uint32_t& value);
    bool ReadUint64(uint64_t& value);
    bool ReadFloat(float& value);
    bool ReadDouble(double& value);
    bool ReadString(std::string& value);
    bool ReadString16(std::u16string& value);
    // `length` bytes (padded to 4 in the data); null if they are not there.
    const uint8_t* ReadBuffer(std::size_t length);
    const uint8_t* ReadUnpadBuffer(std::size_t length);

    // Vectors: an int32 count, then the elements as above.
    bool WriteBoolVector(const std::vector<bool>& v);
    bool WriteInt8Vector(const std::vector<int8_t>& v);
    bool WriteInt16Vector(const std::vector<int16_t>& v);
    bool WriteInt32Vector(const std::vector<int32_t>& v);
    bool WriteInt64Vector(const std::vector<int64_t>& v);
    bool WriteUInt8Vector(const std::vector<uint8_t>& v);
    bool WriteUInt16Vector(const std::vector<uint16_t>& v);
    bool WriteUInt32Vector(const std::vector<uint32_t>& v);
    bool WriteUInt64Vector(const std::vector<uint64_t>& v);
    bool WriteFloatVector(const std::vector<float>& v);
    bool WriteDoubleVector(const std::vector<double>& v);
    bool WriteStringVector(const std::vector<std::string>& v);
    bool WriteString16Vector(const std::vector<std::u16string>& v);
    bool ReadBoolVector(std::vector<bool>* v);
    bool ReadInt8Vector(std::vector<int8_t>* v);
    bool ReadInt16Vector(std::vector<int16_t>* v);
    bool ReadInt32Vector(std::vector<int32_t>* v);
    bool ReadInt64Vector(std::vector<int64_t>* v);
    bool ReadUInt8Vector(std::vector<uint8_t>* v);
    bool ReadUInt16Vector(std::vector<uint16_t>* v);
    bool ReadUInt32Vector(std::vector<uint32_t>* v);
    bool ReadUInt64Vector(std::vector<uint64_t>* v);
    bool ReadFloatVector(std::vector<float>* v);
    bool ReadDoubleVector(std::vector<double>* v);
    bool ReadStringVector(std::vector<std::string>* v);
    bool ReadString16Vector(std::vector<std::u16string>* v);

    // int32 0 for null, else 1 and the object's Marshalling().
    bool WriteParcelable(const Parcelable* object);
    template <typename T>
    sptr<T> ReadParcelable()
    {
        int32_t present = 0;
        if (!ReadInt32(present) || present == 0)
            return nullptr;
        return sptr<T>(T::Unmarshalling(*this));
    }

    // --- objects: for the library and the driver path ----------------
    // Offsets (from the start of the data) of the flat_binder_objects in
    // it, in the order written.
    const std::vector<uint64_t>& GetObjectOffsets() const;
    // Appends a flat_binder_object (24 bytes) and records its offset.
    bool WriteFlatObject(const void* flatObject, std::size_t size);
    // The flat_binder_object at the read position, if one was recorded
    // there; advances past it. Null otherwise.
    const void* ReadFlatObject(std::size_t size);
    // Makes the parcel read (only) `size` bytes at `data`, with `nOffsets`
    // object offsets at `offsets`; `release` runs when the parcel drops
    // them (destruction, FlushBuffer, or another SetDataReference). Empties
    // the parcel first; writes fail while it reads external data. Offsets
    // must be 4-aligned, ascending, each with a whole flat object inside
    // the data: otherwise `release` runs at once, the parcel stays empty
    // and the result is false.
    bool SetDataReference(const void* data, std::size_t size, const uint64_t* offsets,
                          std::size_t nOffsets, std::function<void()> release);
    // Keep `object` alive as long as the parcel.
    void HoldObject(const sptr<RefBase>& object);
    // Takes ownership of `fd`: closed when the parcel is emptied.
    void HoldFd(int fd);

private:
    friend class MessageParcel;  // its compound writes reserve space up front

    // Room for `bytes` more at the write position, within the max capacity;
    // once it succeeded, writes of up to `bytes` in total cannot fail.
    bool Reserve(std::size_t bytes);
    bool Reallocate(std::size_t newCapacity);
    bool WriteAligned(const void* data, std::size_t size);
    const uint8_t* ReadAligned(std::size_t size);
    template <typename T>
    bool WritePod(T value);
    template <typename T>
    bool ReadPod(T& value);
    template <typename T, typename S, typename W>
    bool WriteVector(const std::vector<T>& v, S wireSize, W write);
    template <typename T, typename R>
    bool ReadVector(std::vector<T>* v, std::size_t minWireSize, R read);
    const char* ReadStringBytes(std::size_t& length);
    // Forgets the objects that do not fit entirely below `end`.
    void DropObjectsFrom(std::size_t end);
    void ReleaseData();

    std::unique_ptr<uint8_t[]> buffer_;  // the data while it is our own
    uint8_t* data_ = nullptr;            // buffer_, or the external data
    std::size_t dataSize_ = 0;
    std::size_t capacity_ = 0;
    std::size_t maxCapacity_ = kDefaultMaxCapacity;
    std::size_t readPos_ = 0;
    std::size_t writePos_ = 0;           // a multiple of 4 unless external
    bool external_ = false;
    std::function<void()> release_;
    std::vector<uint64_t> offsets_;      // strictly ascending, non-overlapping
    std::vector<sptr<RefBase>> held_;
    std::vector<int> fds_;
};

class MessageParcel : public Parcel {
public:
    // WriteRawData sends more than this through shared memory.
    static constexpr std::size_t kMaxRawDataInline = 32 * 1024;
    static constexpr std::size_t kMaxRawDataSize = 128 * 1024 * 1024;

    MessageParcel();
    ~MessageParcel() override;

    // A stub travels as BINDER_TYPE_BINDER, a proxy as BINDER_TYPE_HANDLE;
    // null as a null BINDER. A proxy of an object on another device
    // (IPCObjectProxy::GetRpcInfo) cannot be passed on: false, and
    // GetLastError() says RPC_ERR_PROXY_NOT_TRANSFERABLE.
    bool WriteRemoteObject(const sptr<IRemoteObject>& object);
    // Why the last write that failed for a reason of its own failed (an
    // ipc_errors.h code, e.g. RPC_ERR_PROXY_NOT_TRANSFERABLE); ERR_NONE if
    // none did. Per parcel; never reset by later writes that succeed.
    int GetLastError() const { return lastError_; }
    sptr<IRemoteObject> ReadRemoteObject();
    // Sends a dup of `fd`; the receiver's copy is owned by its parcel.
    bool WriteFileDescriptor(int fd);
    // A new dup of the received descriptor (the caller owns it), or -1.
    int ReadFileDescriptor();
    // int32 strict-mode policy, int32 work source, then the String16.
    bool WriteInterfaceToken(const std::u16string& name);
    std::u16string ReadInterfaceToken();
    // int32 size, then the bytes inline (<= 32 KiB) or an ashmem region's
    // descriptor, whose object's cookie is RPC_RAW_DATA_COOKIE (so rpcd can
    // carry it to another device, where no other fd may go); at most
    // 128 MiB. ReadRawData needs the exact size and returns null on any
    // mismatch; the data lives as long as the parcel.
    bool WriteRawData(const void* data, std::size_t size);
    const void* ReadRawData(std::size_t size);
    std::size_t GetRawDataSize() const;
    // The region's fd and size; the receiver gets its own mapping-less Ashmem.
    // ReadAshmem (and ReadRawData) accept only memfds sealed against
    // shrinking (ReadRawData: and against writing), of at least the size.
    bool WriteAshmem(const sptr<Ashmem>& ashmem);
    sptr<Ashmem> ReadAshmem();

private:
    // ReadRawData's mappings are held with HoldObject, so every pointer it
    // returned stays valid until the parcel is emptied.
    std::size_t rawDataSize_ = 0;
    int lastError_ = 0;
};

}  // namespace ipckit
