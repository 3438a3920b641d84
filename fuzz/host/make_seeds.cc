// SPDX-License-Identifier: Apache-2.0
//
// Writes the seed corpora: real parcels made with the library's writers,
// encoded as received transactions (received_transaction.h), each with a
// script that reads them back. Usage: make_seeds CORPUS_DIR
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <linux/ipckit.h>

#include "fuzz_check.h"
#include "ipckit/if_system_ability_manager.h"
#include "ipckit/iremote_object.h"
#include "ipckit/message_parcel.h"
#include "parcel_reader_ops.h"
#include "received_transaction.h"

namespace {

using ipckit::MessageParcel;
using Bytes = std::vector<uint8_t>;

void Save(const std::filesystem::path& dir, const std::string& name, const Bytes& bytes)
{
    std::filesystem::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    CHECK(out.good(), "writing %s", (dir / name).c_str());
}

// An object as the sending side's driver would see it.
void Object(MessageParcel& p, uint32_t type, uint32_t handle, uint64_t cookie)
{
    flat_binder_object fbo{};
    fbo.hdr.type = type;
    fbo.handle = handle;
    fbo.cookie = cookie;
    CHECK(p.WriteFlatObject(&fbo, sizeof(fbo)), "an object in a seed");
}

Bytes Encode(const MessageParcel& p, const Bytes& script, uint8_t prefix = 0, bool withPrefix = false)
{
    Bytes out;
    if (withPrefix)
        out.push_back(prefix);
    Bytes tx = fuzz::ReceivedTransaction::Encode(p);
    out.insert(out.end(), tx.begin(), tx.end());
    out.insert(out.end(), script.begin(), script.end());
    return out;
}

void ParcelSeeds(const std::filesystem::path& dir)
{
    {
        MessageParcel p;
        p.WriteBool(true);
        p.WriteInt32(-7);
        p.WriteInt64(1LL << 40);
        p.WriteDouble(2.5);
        p.WriteString("hello");
        p.WriteString16(u"world");
        p.WriteCString("c");
        Save(dir, "scalars", Encode(p, {kBool, kInt32, kInt64, kDouble, kString, kString16, kCString}));
    }
    {
        MessageParcel p;
        p.WriteInterfaceToken(u"OHOS.ISystemAbilityManager");
        p.WriteInt32Vector({1, 2, 3});
        p.WriteStringVector({"a", "bc"});
        p.WriteString16Vector({u"x"});
        p.WriteBoolVector({true, false});
        Save(dir, "vectors", Encode(p, {kInterfaceToken, kInt32Vector, kStringVector,
                                        kString16Vector, kBoolVector}));
    }
    {
        MessageParcel p;
        const uint8_t raw[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        p.WriteRawData(raw, sizeof(raw));
        p.WriteBuffer(raw, 5);
        p.WriteInt32(1);  // a parcelable: present, int32, string
        p.WriteInt32(42);
        p.WriteString("probe");
        // Script: ReadRawData with the announced size (odd u32 -> announced).
        Save(dir, "raw_inline", Encode(p, {kRawData, 1, 0, 0, 0, kBuffer, 5, 0, kParcelable}));
    }
    {
        MessageParcel p;
        Object(p, BINDER_TYPE_FD, 0, fuzz::FdCookie(fuzz::FdKind::kDevNull, 0));
        Object(p, BINDER_TYPE_FD, 0, fuzz::FdCookie(fuzz::FdKind::kSealedShrink, 4096));
        p.WriteInt32(4096);
        p.WriteInt32(40000);
        Object(p, BINDER_TYPE_FD, 0, fuzz::FdCookie(fuzz::FdKind::kSealedReadOnly, 40000));
        Save(dir, "fds", Encode(p, {kFileDescriptor, kAshmem, kRawData, 1, 0, 0, 0}));
    }
    {
        MessageParcel p;
        Object(p, BINDER_TYPE_BINDER, 0, 1);
        Object(p, BINDER_TYPE_HANDLE, 3, 0);
        p.WriteRemoteObject(nullptr);
        Object(p, BINDER_TYPE_WEAK_HANDLE, 5, 0);
        Save(dir, "objects", Encode(p, {kRemoteObject, kRemoteObject, kRemoteObject,
                                        kFlatObject, 24, kRewindRead, 0, 0, kSkipBytes, 8, 0,
                                        kWrite}));
    }
}

void SamgrSeeds(const std::filesystem::path& dir)
{
    using ipckit::ISystemAbilityManager;
    const std::u16string token(ISystemAbilityManager::GetDescriptor());
    for (uint8_t code = 1; code <= 9; ++code) {
        MessageParcel p;
        p.WriteInterfaceToken(token);
        switch (code) {
        case ISystemAbilityManager::ADD_SYSTEM_ABILITY_TRANSACTION:
            p.WriteInt32(3);
            Object(p, BINDER_TYPE_HANDLE, 1, 0);
            p.WriteBool(false);
            p.WriteUint32(0);
            p.WriteString16(u"cap");
            p.WriteString16(u"perm");
            break;
        case ISystemAbilityManager::SUBSCRIBE_SYSTEM_ABILITY_TRANSACTION:
        case ISystemAbilityManager::UNSUBSCRIBE_SYSTEM_ABILITY_TRANSACTION:
            p.WriteInt32(3);
            Object(p, BINDER_TYPE_BINDER, 0, 1);  // the local listener stub
            break;
        case ISystemAbilityManager::LOAD_SYSTEM_ABILITY_TRANSACTION:
            p.WriteInt32(1);
            p.WriteInt32(5);
            break;
        case ISystemAbilityManager::LIST_SYSTEM_ABILITY_INFO_TRANSACTION:
            break;
        default:
            p.WriteInt32(code == 4 ? 3 : 1);
        }
        // The first byte is an index into the target's code table: index == code.
        Save(dir, "code" + std::to_string(code), Encode(p, {}, code, true));
    }
    {
        MessageParcel p;
        Object(p, BINDER_TYPE_FD, 0, fuzz::FdCookie(fuzz::FdKind::kDevNull, 0));
        p.WriteString16Vector({u"-a"});
        Save(dir, "dump", Encode(p, {}, 12, true));  // kCodes[12]: DUMP
    }
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_seeds CORPUS_DIR\n");
        return 2;
    }
    ::setenv("IPCKIT_DEVICE", "/nonexistent/ipckit-fuzz", 1);
    const std::filesystem::path root = argv[1];
    ParcelSeeds(root / "parcel_reader");
    SamgrSeeds(root / "samgr_request");
    return 0;
}
