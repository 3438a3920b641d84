// SPDX-License-Identifier: Apache-2.0
//
// Writes the seed corpora: real parcels made with the library's writers,
// encoded as received transactions (received_transaction.h), each with a
// script that reads them back; and soft bus frame streams made with the
// frame codec's writers. Usage: make_seeds CORPUS_DIR
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
#include "wire/frame.h"
#include "wire/packet.h"

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

// softbus_frame: byte 0 counts the split bytes that follow (0: the
// daemon's own read sizes), then the frame stream.
void SoftbusFrameSeeds(const std::filesystem::path& dir)
{
    using namespace ipckit::softbus;
    using nlohmann::json;
    const std::string peer = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    auto seed = [&](const std::string& name, std::initializer_list<uint8_t> splits,
                    auto&& frames) {
        Bytes out{static_cast<uint8_t>(splits.size())};
        out.insert(out.end(), splits.begin(), splits.end());
        frames(out);
        Save(dir, name, out);
    };
    auto u32 = [](uint32_t v) {
        Bytes b(4);
        PutU32(b.data(), v);
        return b;
    };
    auto u64 = [](uint64_t v) {
        Bytes b(8);
        PutU64(b.data(), v);
        return b;
    };
    auto hello = [&](Bytes& o) {
        AppendJsonFrame(o, FrameType::HELLO, 0,
                        {{"version", PROTOCOL_VERSION}, {"networkId", peer}, {"name", "dev-a"}});
    };
    auto open = [&](Bytes& o) {
        AppendJsonFrame(o, FrameType::OPEN, 7, {{"name", "com.example.echo"}, {"window", 1u << 20}});
    };
    auto data = [&](Bytes& o) {  // one message, one chunk: its length, then it
        Bytes body = u32(5);
        body.insert(body.end(), {'h', 'e', 'l', 'l', 'o'});
        AppendFrame(o, FrameType::DATA, 7, body, FLAG_FIRST | FLAG_LAST);
    };
    seed("hello", {}, hello);
    seed("open", {}, open);
    seed("open_ok", {}, [&](Bytes& o) { AppendJsonFrame(o, FrameType::OPEN_OK, 7, {{"window", 1u << 20}}); });
    seed("open_fail", {}, [&](Bytes& o) {
        AppendJsonFrame(o, FrameType::OPEN_FAIL, 7, {{"code", 111}, {"message", "no such server"}});
    });
    seed("data_first_last", {}, data);
    seed("data_chunks", {}, [&](Bytes& o) {  // 12 bytes in three chunks
        Bytes first = u32(12);
        first.insert(first.end(), 4, 'x');
        AppendFrame(o, FrameType::DATA, 7, first, FLAG_FIRST);
        AppendFrame(o, FrameType::DATA, 7, Bytes(4, 'y'), 0);
        AppendFrame(o, FrameType::DATA, 7, Bytes(4, 'z'), FLAG_LAST);
    });
    seed("credit", {}, [&](Bytes& o) { AppendFrame(o, FrameType::CREDIT, 7, u32(65536)); });
    seed("ping", {}, [&](Bytes& o) { AppendFrame(o, FrameType::PING, 0, u64(0x0123456789abcdefULL)); });
    seed("pong", {}, [&](Bytes& o) { AppendFrame(o, FrameType::PONG, 0, u64(42)); });
    seed("close_goodbye", {}, [&](Bytes& o) {
        AppendJsonFrame(o, FrameType::CLOSE, 7, {{"reason", "peer closed"}});
        AppendJsonFrame(o, FrameType::GOODBYE, 0, {{"reason", "softbusd stopping"}});
    });
    // A link's life, read in pieces of 1, 5 and 36 KiB (TLS short reads).
    seed("link_session", {1, 5, 200}, [&](Bytes& o) {
        hello(o);
        open(o);
        AppendJsonFrame(o, FrameType::OPEN_OK, 7, {{"window", 1u << 20}});
        data(o);
        AppendFrame(o, FrameType::CREDIT, 7, u32(9));
        AppendFrame(o, FrameType::PING, 0, u64(1));
        AppendFrame(o, FrameType::PONG, 0, u64(1));
        AppendJsonFrame(o, FrameType::CLOSE, 7, {{"reason", "peer closed"}});
    });
    // The largest DATA chunk, split in 512-byte reads.
    seed("data_max", {128}, [&](Bytes& o) {
        Bytes body = u32(MAX_CHUNK);
        body.resize(MAX_FRAME_BODY, 'm');
        AppendFrame(o, FrameType::DATA, 1, body, FLAG_FIRST | FLAG_LAST);
    });
    seed("bind", {}, [&](Bytes& o) {
        AppendJsonFrame(o, FrameType::BIND, 1,
                        {{"networkId", peer}, {"name", "com.example.echo"}, {"timeoutMs", 5000}});
    });
    // A process's channel: both directions' frames, one after the other.
    seed("channel_session", {3, 7}, [&](Bytes& o) {
        AppendJsonFrame(o, FrameType::LISTEN, 1, {{"name", "com.example.echo"}});
        AppendJsonFrame(o, FrameType::RESULT, 1, {{"code", 0}, {"message", ""}});
        AppendJsonFrame(o, FrameType::SUBSCRIBE, 2, {{"on", true}});
        AppendJsonFrame(o, FrameType::SESSION_OPENED, 0,
                        {{"session", 3}, {"name", "com.example.echo"}, {"peer", peer}, {"fd", true}});
        AppendJsonFrame(o, FrameType::DEVICE_EVENT, 0,
                        {{"online", true},
                         {"device", {{"networkId", peer}, {"name", "dev-b"}, {"address", "10.0.0.2"},
                                     {"state", "online"}, {"online", true}, {"trusted", true}}}});
        AppendJsonFrame(o, FrameType::SHUTDOWN, 3, {{"session", 3}});
        AppendJsonFrame(o, FrameType::SESSION_CLOSED, 0, {{"session", 3}, {"reason", "peer closed"}});
        AppendJsonFrame(o, FrameType::UNLISTEN, 4, {{"name", "com.example.echo"}});
    });
    // Control bodies at the nesting limit (three containers) and one past it.
    seed("nested_limit", {}, [&](Bytes& o) {
        AppendJsonFrame(o, FrameType::DEVICE_EVENT, 0,
                        {{"online", false}, {"device", {{"name", "dev-b"}, {"tags", {1, 2}}}}});
    });
    seed("nested_deep", {}, [&](Bytes& o) {
        AppendJsonFrame(o, FrameType::RESULT, 1, {{"code", 0}, {"a", {{"b", {{"c", json::object()}}}}}});
    });
    // A good frame, then a header with a reserved bit set: the decoder fails.
    seed("bad_reserved", {}, [&](Bytes& o) {
        hello(o);
        std::size_t at = o.size();
        AppendFrame(o, FrameType::PING, 0, u64(1));
        o[at + 6] = 1;
    });
    // A frame cut short: the decoder still wants the rest.
    seed("partial", {2}, [&](Bytes& o) {
        open(o);
        o.resize(o.size() - 3);
    });
}

// rpc_packet: one packet per seed, each type, written with EncodePacket.
void RpcPacketSeeds(const std::filesystem::path& dir)
{
    using namespace ipckit::rpc;
    auto seed = [&](const std::string& name, const Packet& p) {
        std::string why;
        Bytes b = EncodePacket(p, &why);
        CHECK(!b.empty(), "rpc seed %s: %s", name.c_str(), why.c_str());
        Save(dir, name, b);
    };
    // A fresh packet: `type` and `seq` set, the rest default.
    auto fresh = [](PacketType type, uint64_t seq) {
        Packet p{};
        p.type = type;
        p.seq = seq;
        return p;
    };
    Packet p = fresh(PacketType::GET_SA, 1);
    p.said = 4701;
    p.mode = 2;
    p.timeout = 5;
    seed("get_sa", p);

    p = fresh(PacketType::SA_REPLY, 1);
    p.stubIndex = 3;
    p.descriptor = u"ohos.\u8bbe\u5907\U0001F600";  // 9 units: padded by 2
    p.text = "d\xc3\xa9j\xc3\xa0";
    seed("sa_reply", p);

    p = fresh(PacketType::LIST_SA, 2);
    seed("list_sa", p);

    p = fresh(PacketType::LIST_REPLY, 2);
    p.text = "2 SAs";
    p.entries = {{1401, u"ohos.samgr"}, {4701, u"ipckit.IRpcService"}, {-1, u""}};
    seed("list_reply", p);

    // A body with each kind of object (its seq's low bits pick the variant
    // the target tries, so a few values).
    Bytes data(4 + 24 + 4 + 24 + 24 + 6, 0);
    for (std::size_t i : {0, 1, 2, 3, 28, 29, 30, 31, 80, 81, 82, 83, 84, 85})
        data[i] = static_cast<uint8_t>(i + 1);
    p = fresh(PacketType::TRANSACTION, 0x0000'1234'0001'0300ull);
    p.stubIndex = 2;
    p.code = 1;
    p.callerPid = 321;
    p.callerUid = 1000;
    p.body.data = data;
    p.body.objects = {{4, ObjectKind::OBJ_NULL, 0, 0},
                      {32, ObjectKind::OBJ_REMOTE, 7, 0},
                      {56, ObjectKind::OBJ_RAW, 9, 200000}};
    seed("transaction", p);
    p.seq = 0x0000'0000'0008'2003ull;
    p.flags = 1;  // one-way
    seed("transaction_oneway", p);

    p = fresh(PacketType::TRANSACTION, 4);
    seed("transaction_empty", p);

    Bytes reply(7, 0x5a);
    p = fresh(PacketType::REPLY, 0x0000'1234'0001'0300ull);
    p.status = -1;
    p.body.data = reply;
    seed("reply", p);

    Bytes chunk(4093);
    for (std::size_t i = 0; i < chunk.size(); i++)
        chunk[i] = static_cast<uint8_t>(i);
    p = fresh(PacketType::RAW_CHUNK, 0x0000'0000'0040'0008ull);
    p.blob = 9;
    p.total = 200000;
    p.chunkOffset = 200000 - chunk.size();
    p.chunk = chunk;
    seed("raw_chunk", p);

    p = fresh(PacketType::DECREF, 5);
    p.stubIndex = 2;
    p.count = 1;
    seed("decref", p);

    p = fresh(PacketType::OBITUARY, 6);
    p.stubIndex = 2;
    seed("obituary", p);
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
    SoftbusFrameSeeds(root / "softbus_frame");
    RpcPacketSeeds(root / "rpc_packet");
    return 0;
}
