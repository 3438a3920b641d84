// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: a received transaction (received_transaction.h) read
// through MessageParcel's every Read*, in the order the input's script
// says. Each read is checked against an independent model of the wire
// (wire_model.h): it succeeds exactly when the bytes are there and well
// formed, gives the value in them, and moves the read position by the
// value's wire size (or not at all when it fails). Between reads the
// parcel must stay consistent; at the end the buffer is released exactly
// once and no descriptor is left open.
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <linux/ipckit.h>

#include "fd_leak_check.h"
#include "fuzz_check.h"
#include "ipckit/ashmem.h"
#include "ipckit/ipc_object_proxy.h"
#include "ipckit/ipc_object_stub.h"
#include "ipckit/ipc_skeleton.h"
#include "ipckit/message_parcel.h"
#include "parcel_reader_ops.h"
#include "received_transaction.h"
#include "wire_model.h"

namespace {

using ipckit::MessageParcel;
using ipckit::sptr;

std::vector<sptr<ipckit::IPCObjectStub>>& Stubs()
{
    static auto* stubs = new std::vector<sptr<ipckit::IPCObjectStub>>{
        ipckit::MakeSptr<ipckit::IPCObjectStub>(u"fuzz.stub.a"),
        ipckit::MakeSptr<ipckit::IPCObjectStub>(u"fuzz.stub.b"),
    };
    return *stubs;
}

// A Parcelable for ReadParcelable<T>: an int32 and a string.
class Probe : public ipckit::Parcelable {
public:
    bool Marshalling(ipckit::Parcel& parcel) const override
    {
        return parcel.WriteInt32(number) && parcel.WriteString(text);
    }
    static Probe* Unmarshalling(ipckit::Parcel& parcel)
    {
        auto* probe = new Probe;
        if (parcel.ReadInt32(probe->number) && parcel.ReadString(probe->text))
            return probe;
        delete probe;
        return nullptr;
    }
    int32_t number = 0;
    std::string text;
};

class Reader {
public:
    Reader(MessageParcel& parcel, const fuzz::ReceivedTransaction& tx)
        : p_(parcel), model_(tx.data(), tx.offsets())
    {
    }

    void Run(fuzz::ByteReader& script)
    {
        while (!script.empty()) {
            const std::size_t start = p_.GetReadPosition();
            Step(static_cast<Op>(script.U8() % kOpCount), script, start);
            CheckConsistent();
        }
    }

private:
    void CheckConsistent()
    {
        CHECK(p_.GetDataSize() == model_.size(), "data size %zu, received %zu",
              p_.GetDataSize(), model_.size());
        CHECK(p_.GetReadPosition() <= p_.GetDataSize(), "read position %zu past %zu",
              p_.GetReadPosition(), p_.GetDataSize());
        CHECK(p_.GetReadableBytes() == p_.GetDataSize() - p_.GetReadPosition(),
              "readable %zu at %zu of %zu", p_.GetReadableBytes(), p_.GetReadPosition(),
              p_.GetDataSize());
        CHECK(p_.GetData() == reinterpret_cast<uintptr_t>(model_.data()),
              "the parcel reads the received buffer in place");
    }

    // A read that gave `ok` must have moved to `end` (model) or not at all.
    void Moved(const char* what, std::size_t start, bool ok, std::size_t end)
    {
        const std::size_t pos = p_.GetReadPosition();
        CHECK(ok ? pos == end : pos == start, "%s at %zu: %s, position %zu (expected %zu)",
              what, start, ok ? "read" : "failed", pos, ok ? end : start);
    }

    // Scalars: each type against the model's bytes at `start`.
    template <typename T, typename Wire = T>
    void Scalar(const char* what, std::size_t start, bool (ipckit::Parcel::*read)(T&))
    {
        T value{};
        const bool ok = (p_.*read)(value);
        const auto ref = model_.Pod<Wire>(start);
        CHECK(ok == ref.has_value(), "%s at %zu of %zu: %d, model %d", what, start,
              model_.size(), ok, ref.has_value());
        if (ok) {
            const T expected = static_cast<T>(*ref);
            CHECK(std::memcmp(&value, &expected, sizeof(T)) == 0, "%s at %zu: wrong value",
                  what, start);
        }
        Moved(what, start, ok, start + sizeof(Wire));
    }

    // The value-returning form: the value, or 0 when the model has none.
    template <typename T, typename Wire = T>
    void ScalarValue(const char* what, std::size_t start, T (ipckit::Parcel::*read)())
    {
        const T value = (p_.*read)();
        const auto ref = model_.Pod<Wire>(start);
        const T expected = ref ? static_cast<T>(*ref) : T{};
        CHECK(value == expected, "%s at %zu: wrong value", what, start);
        Moved(what, start, ref.has_value(), start + sizeof(Wire));
    }

    template <typename T, typename R>
    void Vector(const char* what, std::size_t start, R read)
    {
        std::vector<T> v;
        const bool ok = (p_.*read)(&v);
        const auto ref = model_.VectorCount(start);
        if (ok) {
            CHECK(ref && v.size() == *ref, "%s at %zu: %zu elements, count says %d", what,
                  start, v.size(), ref ? static_cast<int>(*ref) : -1);
            CHECK(p_.GetReadPosition() > start, "%s at %zu did not move", what, start);
        } else {
            Moved(what, start, false, start);
        }
        CHECK(!(p_.*read)(nullptr), "%s into null succeeded", what);
    }

    void Step(Op op, fuzz::ByteReader& script, std::size_t start)
    {
        using P = ipckit::Parcel;
        switch (op) {
        case kBool: Scalar<bool, int32_t>("ReadBool", start, &P::ReadBool); break;
        case kInt8: Scalar<int8_t, int32_t>("ReadInt8", start, &P::ReadInt8); break;
        case kInt16: Scalar<int16_t, int32_t>("ReadInt16", start, &P::ReadInt16); break;
        case kInt32: Scalar<int32_t>("ReadInt32", start, &P::ReadInt32); break;
        case kInt64: Scalar<int64_t>("ReadInt64", start, &P::ReadInt64); break;
        case kUint8: Scalar<uint8_t, int32_t>("ReadUint8", start, &P::ReadUint8); break;
        case kUint16: Scalar<uint16_t, int32_t>("ReadUint16", start, &P::ReadUint16); break;
        case kUint32: Scalar<uint32_t>("ReadUint32", start, &P::ReadUint32); break;
        case kUint64: Scalar<uint64_t>("ReadUint64", start, &P::ReadUint64); break;
        case kFloat: Scalar<float>("ReadFloat", start, &P::ReadFloat); break;
        case kDouble: Scalar<double>("ReadDouble", start, &P::ReadDouble); break;
        case kPointer:
            ScalarValue<uintptr_t, uint64_t>("ReadPointer", start, &P::ReadPointer);
            break;
        case kInt32Value: ScalarValue<int32_t>("ReadInt32()", start, &P::ReadInt32); break;
        case kInt64Value: ScalarValue<int64_t>("ReadInt64()", start, &P::ReadInt64); break;
        case kBoolValue: {
            const bool value = p_.ReadBool();
            const auto ref = model_.Pod<int32_t>(start);
            CHECK(value == (ref && *ref != 0), "ReadBool() at %zu", start);
            Moved("ReadBool()", start, ref.has_value(), start + 4);
            break;
        }
        case kString:
        case kStringValue: {
            std::string s;
            bool ok = true;
            if (op == kString)
                ok = p_.ReadString(s);
            else
                s = p_.ReadString();
            const auto ref = model_.String(start);
            if (op == kStringValue)
                ok = ref.has_value();  // "" says nothing: trust the position
            CHECK(ok == ref.has_value(), "ReadString at %zu: %d, model %d", start, ok,
                  ref.has_value());
            CHECK(s == (ref ? ref->value : std::string()), "ReadString at %zu: wrong text",
                  start);
            Moved("ReadString", start, ok, ref ? ref->end : start);
            break;
        }
        case kString16:
        case kString16Value: {
            std::u16string s;
            bool ok = true;
            if (op == kString16)
                ok = p_.ReadString16(s);
            else
                s = p_.ReadString16();
            const auto ref = model_.String16(start);
            if (op == kString16Value)
                ok = ref.has_value();
            CHECK(ok == ref.has_value(), "ReadString16 at %zu: %d, model %d", start, ok,
                  ref.has_value());
            CHECK(s == (ref ? ref->value : std::u16string()),
                  "ReadString16 at %zu: wrong text", start);
            Moved("ReadString16", start, ok, ref ? ref->end : start);
            break;
        }
        case kCString: {
            const char* s = p_.ReadCString();
            const auto ref = model_.String(start);
            CHECK((s != nullptr) == ref.has_value(), "ReadCString at %zu", start);
            if (s) {
                CHECK(s == reinterpret_cast<const char*>(model_.data() + start + 4),
                      "ReadCString at %zu: pointer outside the string", start);
                CHECK(std::strlen(s) <= ref->value.size(), "ReadCString: unterminated");
            }
            Moved("ReadCString", start, s != nullptr, ref ? ref->end : start);
            break;
        }
        case kBuffer:
        case kUnpadBuffer: {
            const std::size_t length = Length(script);
            const bool unpad = op == kUnpadBuffer;
            const uint8_t* b = unpad ? p_.ReadUnpadBuffer(length) : p_.ReadBuffer(length);
            const auto ref = unpad ? model_.UnpadBuffer(start, length)
                                   : model_.Buffer(start, length);
            CHECK((b != nullptr) == ref.has_value(), "Read%sBuffer(%zu) at %zu of %zu",
                  unpad ? "Unpad" : "", length, start, model_.size());
            CHECK(!b || b == model_.data() + start, "ReadBuffer: pointer elsewhere");
            Moved("ReadBuffer", start, b != nullptr, ref ? *ref : start);
            break;
        }
        case kBoolVector: Vector<bool>("ReadBoolVector", start, &P::ReadBoolVector); break;
        case kInt8Vector: Vector<int8_t>("ReadInt8Vector", start, &P::ReadInt8Vector); break;
        case kInt16Vector:
            Vector<int16_t>("ReadInt16Vector", start, &P::ReadInt16Vector);
            break;
        case kInt32Vector: {
            Vector<int32_t>("ReadInt32Vector", start, &P::ReadInt32Vector);
            // And the elements themselves, against the model.
            p_.RewindRead(start);
            std::vector<int32_t> v;
            const bool ok = p_.ReadInt32Vector(&v);
            const auto ref = model_.Int32Vector(start);
            CHECK(ok == ref.has_value() && (!ok || v == ref->value),
                  "ReadInt32Vector at %zu differs from the model", start);
            Moved("ReadInt32Vector", start, ok, ref ? ref->end : start);
            break;
        }
        case kInt64Vector:
            Vector<int64_t>("ReadInt64Vector", start, &P::ReadInt64Vector);
            break;
        case kUInt8Vector:
            Vector<uint8_t>("ReadUInt8Vector", start, &P::ReadUInt8Vector);
            break;
        case kUInt16Vector:
            Vector<uint16_t>("ReadUInt16Vector", start, &P::ReadUInt16Vector);
            break;
        case kUInt32Vector:
            Vector<uint32_t>("ReadUInt32Vector", start, &P::ReadUInt32Vector);
            break;
        case kUInt64Vector:
            Vector<uint64_t>("ReadUInt64Vector", start, &P::ReadUInt64Vector);
            break;
        case kFloatVector: Vector<float>("ReadFloatVector", start, &P::ReadFloatVector); break;
        case kDoubleVector:
            Vector<double>("ReadDoubleVector", start, &P::ReadDoubleVector);
            break;
        case kStringVector:
            Vector<std::string>("ReadStringVector", start, &P::ReadStringVector);
            break;
        case kString16Vector:
            Vector<std::u16string>("ReadString16Vector", start, &P::ReadString16Vector);
            break;
        case kParcelable: {
            sptr<Probe> probe = p_.ReadParcelable<Probe>();
            const auto present = model_.Pod<int32_t>(start);
            CHECK(!probe || (present && *present != 0), "ReadParcelable from nothing");
            break;
        }
        case kRemoteObject: RemoteObject(start); break;
        case kFileDescriptor: FileDescriptor(start); break;
        case kInterfaceToken: {
            const std::u16string token = p_.ReadInterfaceToken();
            const auto ref = model_.InterfaceToken(start);
            CHECK(token == (ref ? ref->value : std::u16string()),
                  "ReadInterfaceToken at %zu: wrong token", start);
            Moved("ReadInterfaceToken", start, ref.has_value(), ref ? ref->end : start);
            break;
        }
        case kRawData: RawData(script, start); break;
        case kAshmem: Ashmem(start); break;
        case kFlatObject: {
            const std::size_t size = script.U8() % 64;
            const void* obj = p_.ReadFlatObject(size);
            const auto ref = model_.FlatObject(start, size);
            CHECK((obj != nullptr) == ref.has_value(), "ReadFlatObject(%zu) at %zu", size,
                  start);
            CHECK(!obj || obj == model_.data() + start, "ReadFlatObject: pointer elsewhere");
            Moved("ReadFlatObject", start, obj != nullptr, ref ? *ref : start);
            break;
        }
        case kRewindRead: {
            const std::size_t to = script.U16();
            const bool ok = p_.RewindRead(to);
            CHECK(ok == (to <= model_.size()), "RewindRead(%zu) of %zu", to, model_.size());
            Moved("RewindRead", start, ok, to);
            break;
        }
        case kSkipBytes: {
            const std::size_t n = Length(script);
            p_.SkipBytes(n);
            Moved("SkipBytes", start, true, start + std::min(n, model_.size() - start));
            break;
        }
        case kWrite: {
            // A received parcel is read-only: every write fails, changing nothing.
            const auto offsets = p_.GetObjectOffsets();
            CHECK(!p_.WriteInt32(1) && !p_.WriteString("x") && !p_.WriteBuffer("abcd", 4) &&
                      !p_.WriteInterfaceToken(u"t") && !p_.WriteFileDescriptor(0) &&
                      !p_.SetDataSize(0) && !p_.SetDataCapacity(model_.size() + 8) &&
                      !p_.RewindWrite(0),
                  "a write to a received parcel succeeded");
            CHECK(p_.GetObjectOffsets() == offsets, "a failed write changed the objects");
            Moved("writes", start, false, start);
            break;
        }
        case kOpCount: break;
        }
    }

    // Lengths: mostly small, sometimes at the edges of size_t.
    static std::size_t Length(fuzz::ByteReader& script)
    {
        const uint16_t n = script.U16();
        if (n >= 0xfff0)
            return std::numeric_limits<std::size_t>::max() - (n - 0xfff0);
        return n;
    }

    void RemoteObject(std::size_t start)
    {
        const sptr<ipckit::IRemoteObject> object = p_.ReadRemoteObject();
        const auto ref = model_.RemoteObject(start);
        switch (ref.kind) {
        case wire::Model::Remote::kStub: {
            bool known = false;
            for (const auto& stub : Stubs())
                known = known || object.GetRefPtr() == stub.GetRefPtr();
            CHECK(known, "ReadRemoteObject at %zu: not the stub the binder named", start);
            break;
        }
        case wire::Model::Remote::kHandle: {
            auto* proxy = object ? dynamic_cast<ipckit::IPCObjectProxy*>(object.GetRefPtr())
                                 : nullptr;
            CHECK(proxy && proxy->GetHandle() == ref.handle,
                  "ReadRemoteObject at %zu: not a proxy for handle %u", start, ref.handle);
            break;
        }
        case wire::Model::Remote::kNull:
        case wire::Model::Remote::kNone:
            CHECK(!object, "ReadRemoteObject at %zu: an object from no object", start);
            break;
        }
        Moved("ReadRemoteObject", start, ref.kind != wire::Model::Remote::kNone, ref.end);
    }

    void FileDescriptor(std::size_t start)
    {
        const int fd = p_.ReadFileDescriptor();
        const auto installed = model_.Fd(start);
        CHECK((fd >= 0) == installed.has_value(), "ReadFileDescriptor at %zu: %d", start, fd);
        if (fd >= 0) {
            CHECK(fd != *installed, "ReadFileDescriptor gave the parcel's own fd");
            struct stat a{}, b{};
            CHECK(::fstat(fd, &a) == 0 && ::fstat(*installed, &b) == 0 &&
                      a.st_ino == b.st_ino && a.st_dev == b.st_dev,
                  "ReadFileDescriptor: not a dup of the received fd");
            ::close(fd);  // the caller owns it
        }
        Moved("ReadFileDescriptor", start, fd >= 0, start + sizeof(flat_binder_object));
    }

    void RawData(fuzz::ByteReader& script, std::size_t start)
    {
        // Mostly the size the data announces, so reads can succeed.
        std::size_t size = script.U32();
        if (size % 4 != 0) {
            const auto announced = model_.Pod<int32_t>(start);
            size = announced ? static_cast<std::size_t>(static_cast<uint32_t>(*announced)) : 0;
        }
        const void* raw = p_.ReadRawData(size);
        const auto ref = model_.RawData(start, size);
        CHECK((raw != nullptr) == ref.has_value(), "ReadRawData(%zu) at %zu: %s, model %s",
              size, start, raw ? "data" : "null", ref ? "data" : "null");
        if (raw) {
            CHECK(p_.GetRawDataSize() == size, "GetRawDataSize %zu after ReadRawData(%zu)",
                  p_.GetRawDataSize(), size);
            if (ref->inlineData)
                CHECK(raw == model_.data() + start + 4, "ReadRawData: pointer elsewhere");
            // Every byte must be readable (ASan watches the inline case).
            const auto* bytes = static_cast<const uint8_t*>(raw);
            unsigned sum = 0;
            for (std::size_t i = 0; i < size; ++i)
                sum += bytes[i];
            (void)sum;
        }
        Moved("ReadRawData", start, raw != nullptr, ref ? ref->end : start);
    }

    void Ashmem(std::size_t start)
    {
        const sptr<ipckit::Ashmem> region = p_.ReadAshmem();
        const auto ref = model_.Ashmem(start);
        CHECK((region != nullptr) == ref.has_value(), "ReadAshmem at %zu", start);
        if (region) {
            CHECK(region->GetAshmemSize() == ref->size, "ReadAshmem: size %d, sent %d",
                  region->GetAshmemSize(), ref->size);
            CHECK(region->GetAshmemFd() >= 0 && region->GetAshmemFd() != ref->fd,
                  "ReadAshmem: the region must own a dup");
        }
        Moved("ReadAshmem", start, region != nullptr, ref ? ref->end : start);
    }

    MessageParcel& p_;
    const wire::Model model_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    // No driver: a proxy or stub must never reach a real /dev/binder.
    ::setenv("IPCKIT_DEVICE", "/nonexistent/ipckit-fuzz", 1);
    Stubs();
    // The process's IPC state (its eventfd) is made once, on first use:
    // made here, it is not taken for a leak of the first input.
    ipckit::IPCSkeleton::GetContextObject();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    fuzz::FdLeakCheck leaks;
    fuzz::ByteReader in(data, size);
    fuzz::ReceivedTransaction tx(in, Stubs());
    {
        MessageParcel parcel;
        const bool adopted = tx.Adopt(parcel);
        const bool valid = wire::Model::OffsetsValid(tx.data().size(), tx.offsets());
        CHECK(adopted == valid, "SetDataReference %s offsets the driver %s",
              adopted ? "took" : "refused", valid ? "accepts" : "refuses");
        if (!adopted) {
            // Refused: released at once, and the parcel is empty.
            CHECK(tx.releases() == 1, "a refused buffer released %d times", tx.releases());
            CHECK(parcel.GetDataSize() == 0 && parcel.GetObjectOffsets().empty(),
                  "a refused buffer left data behind");
            return 0;
        }
        CHECK(parcel.GetObjectOffsets() == tx.offsets(), "the parcel lost object offsets");
        Reader(parcel, tx).Run(in);
        CHECK(tx.releases() == 0, "released while still read");
        parcel.FlushBuffer();
        CHECK(tx.releases() == 1, "FlushBuffer released %d times", tx.releases());
        CHECK(parcel.GetDataSize() == 0 && parcel.GetReadPosition() == 0 &&
                  parcel.GetObjectOffsets().empty(),
              "FlushBuffer left data behind");
    }
    CHECK(tx.releases() == 1, "released %d times in all", tx.releases());
    return 0;
}
