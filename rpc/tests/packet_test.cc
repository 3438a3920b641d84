// SPDX-License-Identifier: Apache-2.0
//
// The RPC packet codec (rpc/wire/packet.h): every type both ways, the
// limits exactly at and one past them, and each of DecodePacket's refusals
// on its own, with a `why` that names what was wrong. Malformed packets are
// written byte by byte (Raw) or patched from a good encoding, since
// EncodePacket refuses to make them.
#include <cstring>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "wire/packet.h"

namespace ipckit::rpc {
namespace {

using Bytes = std::vector<uint8_t>;
using ::testing::HasSubstr;

// Offsets in a packet (packet.h's layout).
constexpr std::size_t kLengthAt = 16;
constexpr std::size_t kReservedAt = 20;
constexpr std::size_t kTxBody = RPC_HEADER_SIZE + 24;  // TRANSACTION's Body
constexpr std::size_t kReplyBody = RPC_HEADER_SIZE + 4;

void PutLe(Bytes& b, std::size_t at, uint64_t v, std::size_t n)
{
    for (std::size_t i = 0; i < n; i++)
        b.at(at + i) = static_cast<uint8_t>(v >> (8 * i));  // at(): gcc 12 sees no size
}

uint64_t GetLe(const Bytes& b, std::size_t at, std::size_t n)
{
    uint64_t v = 0;
    for (std::size_t i = 0; i < n; i++)
        v |= uint64_t{b[at + i]} << (8 * i);
    return v;
}

// A packet written field by field, for what EncodePacket will not write.
// Done() fills in the header's length.
class Raw {
public:
    explicit Raw(PacketType type, uint64_t seq = 1) : Raw(static_cast<uint16_t>(type), seq) {}
    explicit Raw(uint16_t type, uint64_t seq = 1)
    {
        U32(RPC_MAGIC).U16(RPC_VERSION).U16(type).U64(seq).U32(0).U32(0);
    }
    Raw& U16(uint16_t v) { return Le(v, 2); }
    Raw& U32(uint32_t v) { return Le(v, 4); }
    Raw& U64(uint64_t v) { return Le(v, 8); }
    // n bytes of `fill`, then zero padding to 4.
    Raw& Data(std::size_t n, uint8_t fill = 0)
    {
        b_.insert(b_.end(), n, fill);
        b_.insert(b_.end(), (4 - n % 4) % 4, 0);
        return *this;
    }
    Raw& Str(const std::string& s)
    {
        U32(static_cast<uint32_t>(s.size()));
        b_.insert(b_.end(), s.begin(), s.end());
        b_.insert(b_.end(), (4 - s.size() % 4) % 4, 0);
        return *this;
    }
    Raw& Str16(std::size_t units)
    {
        U32(static_cast<uint32_t>(units));
        for (std::size_t i = 0; i < units; i++)
            U16('a');
        if (units % 2)
            U16(0);
        return *this;
    }
    Raw& Obj(uint32_t offset, uint32_t kind, uint64_t value = 0, uint64_t size = 0)
    {
        return U32(offset).U32(kind).U64(value).U64(size);
    }
    Bytes Done()
    {
        PutLe(b_, kLengthAt, b_.size(), 4);
        return b_;
    }

private:
    Raw& Le(uint64_t v, std::size_t n)
    {
        b_.resize(b_.size() + n);
        PutLe(b_, b_.size() - n, v, n);
        return *this;
    }
    Bytes b_;
};

Bytes Encode(const Packet& p)
{
    std::string why;
    Bytes b = EncodePacket(p, &why);
    EXPECT_FALSE(b.empty()) << why;
    if (b.size() >= RPC_HEADER_SIZE) {
        EXPECT_EQ(GetLe(b, kLengthAt, 4), b.size());
    }
    return b;
}

Packet Decode(const Bytes& b)
{
    Packet p;
    std::string why;
    EXPECT_TRUE(DecodePacket(b, p, why)) << why;
    return p;
}

// DecodePacket refuses `b`; its why, for the caller to look at.
std::string Refused(const Bytes& b)
{
    Packet p;
    std::string why;
    EXPECT_FALSE(DecodePacket(b, p, why)) << "accepted a " << b.size() << "-byte packet";
    EXPECT_FALSE(why.empty());
    return why;
}

// EncodePacket refuses `p`; its why.
std::string EncodeRefused(const Packet& p)
{
    std::string why;
    EXPECT_TRUE(EncodePacket(p, &why).empty());
    EXPECT_FALSE(why.empty());
    EXPECT_TRUE(EncodePacket(p).empty());  // without a why too
    return why;
}

bool Inside(std::span<const uint8_t> part, const Bytes& whole)
{
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void ExpectSameBody(const Body& a, const Body& b)
{
    ASSERT_EQ(a.data.size(), b.data.size());
    EXPECT_TRUE(std::equal(a.data.begin(), a.data.end(), b.data.begin()));
    ASSERT_EQ(a.objects.size(), b.objects.size());
    for (std::size_t i = 0; i < a.objects.size(); i++) {
        EXPECT_EQ(a.objects[i].offset, b.objects[i].offset) << i;
        EXPECT_EQ(a.objects[i].kind, b.objects[i].kind) << i;
        EXPECT_EQ(a.objects[i].value, b.objects[i].value) << i;
        EXPECT_EQ(a.objects[i].size, b.objects[i].size) << i;
    }
}

// Encodes, decodes, compares every field, and checks the decoding encodes
// to the same bytes (the format is canonical).
Packet RoundTrip(const Packet& in)
{
    Bytes b = Encode(in);
    Packet out = Decode(b);
    EXPECT_EQ(out.type, in.type);
    EXPECT_EQ(out.seq, in.seq);
    EXPECT_EQ(out.said, in.said);
    EXPECT_EQ(out.mode, in.mode);
    EXPECT_EQ(out.timeout, in.timeout);
    EXPECT_EQ(out.status, in.status);
    EXPECT_EQ(out.descriptor, in.descriptor);
    EXPECT_EQ(out.text, in.text);
    EXPECT_EQ(out.entries.size(), in.entries.size());
    for (std::size_t i = 0; i < std::min(out.entries.size(), in.entries.size()); i++) {
        EXPECT_EQ(out.entries[i].said, in.entries[i].said) << i;
        EXPECT_EQ(out.entries[i].descriptor, in.entries[i].descriptor) << i;
    }
    EXPECT_EQ(out.stubIndex, in.stubIndex);
    EXPECT_EQ(out.code, in.code);
    EXPECT_EQ(out.flags, in.flags);
    EXPECT_EQ(out.callerPid, in.callerPid);
    EXPECT_EQ(out.callerUid, in.callerUid);
    ExpectSameBody(out.body, in.body);
    EXPECT_EQ(out.blob, in.blob);
    EXPECT_EQ(out.total, in.total);
    EXPECT_EQ(out.chunkOffset, in.chunkOffset);
    EXPECT_EQ(out.chunk.size(), in.chunk.size());
    EXPECT_TRUE(std::equal(out.chunk.begin(), out.chunk.end(), in.chunk.begin()));
    EXPECT_EQ(out.count, in.count);
    // Decoded spans are views of the packet, not copies.
    EXPECT_TRUE(Inside(out.body.data, b));
    EXPECT_TRUE(Inside(out.chunk, b));
    EXPECT_EQ(EncodePacket(out), b);
    EXPECT_EQ(b.size() % 4, 0u);
    return out;
}

Packet Tx(std::span<const uint8_t> data, std::vector<Object> objects = {})
{
    Packet p;
    p.type = PacketType::TRANSACTION;
    p.seq = 77;
    p.stubIndex = 0x1122334455667788ull;
    p.code = 0xfffffff0u;
    p.flags = 1;
    p.callerPid = -1;
    p.callerUid = 1000;
    p.body.data = data;
    p.body.objects = std::move(objects);
    return p;
}

// ---- Round trips --------------------------------------------------------

TEST(RpcPacket, ToString)
{
    EXPECT_STREQ(ToString(PacketType::GET_SA), "GET_SA");
    EXPECT_STREQ(ToString(PacketType::RAW_CHUNK), "RAW_CHUNK");
    EXPECT_STREQ(ToString(PacketType::OBITUARY), "OBITUARY");
    EXPECT_STREQ(ToString(static_cast<PacketType>(0)), "UNKNOWN");
    EXPECT_STREQ(ToString(static_cast<PacketType>(10)), "UNKNOWN");
}

TEST(RpcPacket, GetSa)
{
    Packet p;
    p.type = PacketType::GET_SA;
    p.seq = ~0ull;
    p.said = 4701;
    p.mode = 2;
    p.timeout = -5;
    RoundTrip(p);
    Bytes b = Encode(p);
    ASSERT_EQ(b.size(), RPC_HEADER_SIZE + 12);
    // Little-endian, byte for byte.
    EXPECT_EQ(Bytes(b.begin(), b.begin() + 8), (Bytes{'I', 'R', 'P', 'C', 1, 0, 1, 0}));
    EXPECT_EQ(GetLe(b, 8, 8), ~0ull);
    EXPECT_EQ(GetLe(b, kReservedAt, 4), 0u);
    EXPECT_EQ(GetLe(b, 24, 4), 4701u);
    EXPECT_EQ(GetLe(b, 32, 4), 0xfffffffbu);
}

TEST(RpcPacket, SaReplyNonAscii)
{
    Packet p;
    p.type = PacketType::SA_REPLY;
    p.status = -3;
    p.stubIndex = 5;
    // A CJK unit and a surrogate pair (U+1F600): 7 units, so padded by 2.
    p.descriptor = u"ohos.\u8bbe\U0001F600";
    p.text = "d\xc3\xa9j\xc3\xa0";  // "déjà", UTF-8, 6 bytes: padded by 2
    ASSERT_EQ(p.descriptor.size(), 8u);
    RoundTrip(p);
    p.descriptor = u"\u00e9\u8bbe\u00fc";  // odd count
    RoundTrip(p);
    p.descriptor.clear();
    p.text.clear();
    RoundTrip(p);
    EXPECT_EQ(Encode(p).size(), RPC_HEADER_SIZE + 4 + 8 + 4 + 4);
}

TEST(RpcPacket, StringsAtTheLimit)
{
    Packet p;
    p.type = PacketType::SA_REPLY;
    p.descriptor = std::u16string(MAX_STRING / 2, u'\u4e2d');
    p.text = std::string(MAX_STRING, 'x');
    RoundTrip(p);
}

TEST(RpcPacket, ListSa)
{
    Packet p;
    p.type = PacketType::LIST_SA;
    p.seq = 9;
    RoundTrip(p);
    EXPECT_EQ(Encode(p).size(), RPC_HEADER_SIZE);
}

TEST(RpcPacket, ListReply)
{
    Packet p;
    p.type = PacketType::LIST_REPLY;
    p.status = 0;
    p.text = "3 SAs";
    p.entries = {{1, u"ohos.a"}, {-1, u""}, {4701, u"ipckit.\u8bbe\u5907\U0001F600"}};
    RoundTrip(p);
    p.entries.clear();
    RoundTrip(p);
    // MAX_LIST entries with empty descriptors (8 bytes each).
    p.entries.assign(MAX_LIST, SaEntry{7, u""});
    RoundTrip(p);
}

TEST(RpcPacket, TransactionWithEveryKind)
{
    // 4 bytes, a NULL slot, 4 bytes, a REMOTE slot, a RAW slot, 6 bytes.
    Bytes data(4 + 24 + 4 + 24 + 24 + 6, 0);
    for (std::size_t i : {0, 1, 2, 3, 28, 29, 30, 31, 80, 81, 82, 83, 84, 85})
        data[i] = static_cast<uint8_t>(i + 1);
    Packet p = Tx(data, {{4, ObjectKind::OBJ_NULL, 0, 0},
                         {32, ObjectKind::OBJ_REMOTE, 0xdeadbeefcafeull, 0},
                         {56, ObjectKind::OBJ_RAW, 3, MAX_RAW_DATA}});
    RoundTrip(p);
    EXPECT_EQ(Encode(p).size(), BodyPacketSize(data.size(), 3));
    EXPECT_EQ(Encode(p).size(), BodyPacketSize(data.size(), 3, PacketType::TRANSACTION));
    // Objects back to back, the first at 0 and the last ending the data.
    Bytes tight(72, 0);
    RoundTrip(Tx(tight, {{0, ObjectKind::OBJ_REMOTE, 1, 0},
                         {24, ObjectKind::OBJ_RAW, 1, 1},
                         {48, ObjectKind::OBJ_NULL, 0, 0}}));
}

TEST(RpcPacket, TransactionEmptyAndMaxObjects)
{
    RoundTrip(Tx({}));
    Bytes data(MAX_OBJECTS * OBJECT_SLOT, 0);
    std::vector<Object> objects;
    for (uint32_t i = 0; i < MAX_OBJECTS; i++)
        objects.push_back({i * 24, ObjectKind::OBJ_REMOTE, i, 0});
    Packet p = Tx(data, objects);
    RoundTrip(p);
    EXPECT_EQ(Encode(p).size(), BodyPacketSize(data.size(), MAX_OBJECTS));
}

TEST(RpcPacket, Reply)
{
    Packet p;
    p.type = PacketType::REPLY;
    p.seq = 77;  // the TRANSACTION's
    p.status = -22;
    RoundTrip(p);
    EXPECT_EQ(Encode(p).size(), BodyPacketSize(0, 0, PacketType::REPLY));
    Bytes data(31, 0xab);
    std::fill(data.begin() + 4, data.begin() + 28, 0);
    p.body.data = data;
    p.body.objects = {{4, ObjectKind::OBJ_RAW, 9, 100000}};
    RoundTrip(p);
    EXPECT_EQ(Encode(p).size(), BodyPacketSize(31, 1, PacketType::REPLY));
    // The default (TRANSACTION) is the larger, a bound for both.
    EXPECT_EQ(BodyPacketSize(31, 1), BodyPacketSize(31, 1, PacketType::REPLY) + 20);
}

TEST(RpcPacket, RawChunk)
{
    Bytes bytes = {1, 2, 3, 4, 5};
    Packet p;
    p.type = PacketType::RAW_CHUNK;
    p.blob = 42;
    p.total = 5;
    p.chunkOffset = 0;
    p.chunk = bytes;
    RoundTrip(p);
    p.total = MAX_RAW_DATA;
    p.chunkOffset = MAX_RAW_DATA - 5;  // the blob's last bytes
    RoundTrip(p);
}

TEST(RpcPacket, RawChunkMaxSize)
{
    Bytes bytes(RAW_CHUNK_BYTES);
    for (std::size_t i = 0; i < bytes.size(); i++)
        bytes[i] = static_cast<uint8_t>(i * 7);
    Packet p;
    p.type = PacketType::RAW_CHUNK;
    p.blob = 1;
    p.total = MAX_RAW_DATA;
    p.chunkOffset = RAW_CHUNK_BYTES;
    p.chunk = bytes;
    RoundTrip(p);
    Bytes b = Encode(p);
    EXPECT_LE(b.size(), RPC_MAX_PACKET);
    EXPECT_EQ(b.size(), RPC_HEADER_SIZE + 28 + RAW_CHUNK_BYTES);
}

TEST(RpcPacket, DecrefAndObituary)
{
    Packet p;
    p.type = PacketType::DECREF;
    p.stubIndex = 12;
    p.count = 3;
    RoundTrip(p);
    p = {};
    p.type = PacketType::OBITUARY;
    p.stubIndex = ~0ull;
    RoundTrip(p);
}

// Fields of other types are not sent: they do not survive a round trip.
TEST(RpcPacket, OnlyTheTypesFields)
{
    Packet p;
    p.type = PacketType::OBITUARY;
    p.stubIndex = 4;
    p.said = 9;
    p.text = "not sent";
    Packet out = Decode(Encode(p));
    EXPECT_EQ(out.stubIndex, 4u);
    EXPECT_EQ(out.said, 0);
    EXPECT_EQ(out.text, "");
}

// ---- DecodePacket's refusals, one rule each -----------------------------

TEST(RpcPacketReject, ShortInput)
{
    Bytes b = Raw(PacketType::LIST_SA).Done();
    EXPECT_THAT(Refused({}), HasSubstr("0 bytes is shorter than its 24-byte header"));
    b.resize(23);
    EXPECT_THAT(Refused(b), HasSubstr("23 bytes is shorter"));
}

TEST(RpcPacketReject, OverMaxPacket)
{
    Bytes b = Raw(PacketType::RAW_CHUNK).U64(1).U64(MAX_RAW_DATA).U64(0).U32(1).Data(1).Done();
    b.resize(RPC_MAX_PACKET + 1);
    PutLe(b, kLengthAt, b.size(), 4);
    EXPECT_THAT(Refused(b), HasSubstr("packet of 1048577 bytes (limit 1048576)"));
}

TEST(RpcPacketReject, Magic)
{
    Bytes b = Raw(PacketType::LIST_SA).Done();
    b[0] = 'X';
    EXPECT_THAT(Refused(b), HasSubstr("bad magic 0x43505258"));
}

TEST(RpcPacketReject, Version)
{
    Bytes b = Raw(PacketType::LIST_SA).Done();
    PutLe(b, 4, 2, 2);
    EXPECT_THAT(Refused(b), HasSubstr("version 2"));
}

TEST(RpcPacketReject, Type)
{
    EXPECT_THAT(Refused(Raw(uint16_t{0}).Done()), HasSubstr("unknown packet type 0"));
    EXPECT_THAT(Refused(Raw(uint16_t{10}).Done()), HasSubstr("unknown packet type 10"));
    EXPECT_THAT(Refused(Raw(uint16_t{0xffff}).Done()), HasSubstr("unknown packet type 65535"));
}

TEST(RpcPacketReject, LengthNotInputSize)
{
    Bytes b = Raw(PacketType::OBITUARY).U64(1).Done();
    PutLe(b, kLengthAt, b.size() + 4, 4);
    EXPECT_THAT(Refused(b), HasSubstr("header length 36 but 32 bytes received"));
    PutLe(b, kLengthAt, b.size() - 8, 4);
    EXPECT_THAT(Refused(b), HasSubstr("header length 24 but 32 bytes received"));
}

TEST(RpcPacketReject, Reserved)
{
    Bytes b = Raw(PacketType::LIST_SA).Done();
    b[kReservedAt + 3] = 0x80;
    EXPECT_THAT(Refused(b), HasSubstr("reserved header word 0x80000000 is not zero"));
}

TEST(RpcPacketReject, Truncated)
{
    // A GET_SA whose length (and size) stops inside `timeout`.
    Bytes b = Raw(PacketType::GET_SA).U32(1).U32(1).U16(0).Done();
    EXPECT_THAT(Refused(b),
                HasSubstr("GET_SA: packet ends inside timeout (at byte 32: needs 4, 2 left)"));
    // Data shorter than dataSize says.
    b = Raw(PacketType::REPLY).U32(0).U32(64).U32(0).Data(32).Done();
    EXPECT_THAT(Refused(b), HasSubstr("packet ends inside body data"));
    // Fewer objects than objectCount says.
    b = Raw(PacketType::REPLY).U32(0).U32(24).U32(2).Data(24).Obj(0, 1, 1).Done();
    EXPECT_THAT(Refused(b), HasSubstr("2 objects need 48 bytes, 24 left"));
}

TEST(RpcPacketReject, TooManyObjects)
{
    Bytes b = Raw(PacketType::REPLY).U32(0).U32(0).U32(MAX_OBJECTS + 1).Done();
    EXPECT_THAT(Refused(b), HasSubstr("REPLY: body: 1025 objects (limit 1024)"));
}

TEST(RpcPacketReject, TooManyEntries)
{
    Raw r(PacketType::LIST_REPLY);
    r.U32(0).Str("").U32(MAX_LIST + 1);
    for (std::size_t i = 0; i <= MAX_LIST; i++)
        r.U32(1).Str16(0);
    EXPECT_THAT(Refused(r.Done()), HasSubstr("LIST_REPLY: 4097 entries (limit 4096)"));
}

TEST(RpcPacketReject, StringOverLimit)
{
    Bytes b = Raw(PacketType::SA_REPLY).U32(0).U64(1).Str16(MAX_STRING / 2 + 1).Str("").Done();
    EXPECT_THAT(Refused(b),
                HasSubstr("SA_REPLY descriptor: 2049 UTF-16 units (4098 bytes, limit 4096)"));
    const std::string tooLong(MAX_STRING + 1, 'x');
    b = Raw(PacketType::SA_REPLY).U32(0).U64(1).Str16(0).Str(tooLong).Done();
    EXPECT_THAT(Refused(b), HasSubstr("SA_REPLY text: 4097 bytes (limit 4096)"));
    b = Raw(PacketType::LIST_REPLY).U32(0).Str(std::string(MAX_STRING + 1, 'x')).U32(0).Done();
    EXPECT_THAT(Refused(b), HasSubstr("LIST_REPLY text: 4097 bytes"));
    b = Raw(PacketType::LIST_REPLY).U32(0).Str("").U32(1).U32(1).Str16(MAX_STRING / 2 + 1).Done();
    EXPECT_THAT(Refused(b), HasSubstr("LIST_REPLY entry descriptor: 2049 UTF-16 units"));
    // A huge count is refused before anything is read or allocated.
    b = Raw(PacketType::SA_REPLY).U32(0).U64(1).U32(0xffffffffu).Done();
    EXPECT_THAT(Refused(b), HasSubstr("4294967295 UTF-16 units"));
}

TEST(RpcPacketReject, NonZeroPadding)
{
    Packet p;
    p.type = PacketType::SA_REPLY;
    p.descriptor = u"abc";  // 6 bytes + 2 padding, at 40
    p.text = "x";           // 1 byte + 3 padding, at 52
    Bytes good = Encode(p);
    Bytes b = good;
    b[47] = 1;
    EXPECT_THAT(Refused(b), HasSubstr("SA_REPLY descriptor: non-zero padding byte at 47"));
    b = good;
    b[53] = 1;
    EXPECT_THAT(Refused(b), HasSubstr("SA_REPLY text: non-zero padding byte at 53"));

    Bytes data(5, 1);
    b = Encode(Tx(data));
    b[kTxBody + 8 + 6] = 0xff;
    EXPECT_THAT(Refused(b), HasSubstr("body data: non-zero padding byte at 62"));

    Bytes chunk(3, 9);
    Packet c;
    c.type = PacketType::RAW_CHUNK;
    c.total = 3;
    c.chunk = chunk;
    b = Encode(c);
    b.back() = 1;
    EXPECT_THAT(Refused(b), HasSubstr("chunk bytes: non-zero padding byte at 55"));
}

// A REPLY with 64 bytes of data and the objects given, raw.
Bytes ReplyWith(std::initializer_list<Object> objects, std::size_t dataSize = 64)
{
    Raw r(PacketType::REPLY);
    r.U32(0).U32(static_cast<uint32_t>(dataSize)).U32(static_cast<uint32_t>(objects.size()));
    r.Data(dataSize);
    for (const Object& o : objects)
        r.Obj(o.offset, static_cast<uint32_t>(o.kind), o.value, o.size);
    return r.Done();
}

constexpr ObjectKind kRemote = ObjectKind::OBJ_REMOTE;

TEST(RpcPacketReject, ObjectUnaligned)
{
    EXPECT_THAT(Refused(ReplyWith({{0, kRemote, 1, 0}, {26, kRemote, 1, 0}})),
                HasSubstr("REPLY: object 1: offset 26 is not 4-aligned"));
}

TEST(RpcPacketReject, ObjectNotAscending)
{
    EXPECT_THAT(Refused(ReplyWith({{24, kRemote, 1, 0}, {0, kRemote, 1, 0}})),
                HasSubstr("object 1: offset 0 is not after the previous object's (24)"));
    EXPECT_THAT(Refused(ReplyWith({{8, kRemote, 1, 0}, {8, kRemote, 1, 0}})),
                HasSubstr("object 1: offset 8 is not after the previous object's (8)"));
}

TEST(RpcPacketReject, ObjectOverlap)
{
    EXPECT_THAT(Refused(ReplyWith({{0, kRemote, 1, 0}, {24, kRemote, 1, 0}, {44, kRemote, 1, 0}},
                                  72)),
                HasSubstr("object 2: offset 44 overlaps the previous object (ends at 48)"));
}

TEST(RpcPacketReject, ObjectPastData)
{
    EXPECT_THAT(Refused(ReplyWith({{44, kRemote, 1, 0}})),
                HasSubstr("object 0: slot 44..68 is past the end of the data (64 bytes)"));
    EXPECT_THAT(Refused(ReplyWith({{0xfffffffcu, kRemote, 1, 0}})),
                HasSubstr("past the end of the data"));
    EXPECT_THAT(Refused(ReplyWith({{0, kRemote, 1, 0}}, 20)), HasSubstr("slot 0..24 is past"));
}

TEST(RpcPacketReject, ObjectSlotNotZero)
{
    Bytes b = ReplyWith({{8, kRemote, 1, 0}});
    b[kReplyBody + 8 + 8 + 23] = 5;  // the slot's last byte
    EXPECT_THAT(Refused(b), HasSubstr("object 0: slot at 8 has a non-zero byte at 31"));
    // Bytes around the slot are the sender's data: fine.
    b = ReplyWith({{8, kRemote, 1, 0}});
    b[kReplyBody + 8 + 7] = 5;
    b[kReplyBody + 8 + 32] = 5;
    Decode(b);
}

TEST(RpcPacketReject, ObjectUnknownKind)
{
    EXPECT_THAT(Refused(ReplyWith({{0, static_cast<ObjectKind>(3), 0, 0}})),
                HasSubstr("object 0: unknown kind 3"));
}

TEST(RpcPacketReject, NullObjectWithValue)
{
    EXPECT_THAT(Refused(ReplyWith({{0, ObjectKind::OBJ_NULL, 1, 0}})),
                HasSubstr("object 0: OBJ_NULL with value 1 and size 0 (both must be 0)"));
    EXPECT_THAT(Refused(ReplyWith({{0, ObjectKind::OBJ_NULL, 0, 8}})),
                HasSubstr("OBJ_NULL with value 0 and size 8"));
}

TEST(RpcPacketReject, RawObjectSize)
{
    EXPECT_THAT(Refused(ReplyWith({{0, ObjectKind::OBJ_RAW, 1, 0}})),
                HasSubstr("object 0: OBJ_RAW of 0 bytes (must be 1..134217728)"));
    EXPECT_THAT(Refused(ReplyWith({{0, ObjectKind::OBJ_RAW, 1, MAX_RAW_DATA + 1}})),
                HasSubstr("OBJ_RAW of 134217729 bytes"));
}

Bytes Chunk(uint64_t total, uint64_t offset, uint32_t n, std::size_t have)
{
    return Raw(PacketType::RAW_CHUNK).U64(7).U64(total).U64(offset).U32(n).Data(have, 1).Done();
}

TEST(RpcPacketReject, ChunkTotalOverMax)
{
    EXPECT_THAT(Refused(Chunk(MAX_RAW_DATA + 1, 0, 4, 4)),
                HasSubstr("RAW_CHUNK: blob total 134217729 bytes (limit 134217728)"));
}

TEST(RpcPacketReject, ChunkPastTotal)
{
    EXPECT_THAT(Refused(Chunk(100, 97, 4, 4)),
                HasSubstr("chunk at 97 of 4 bytes runs past the blob's total 100"));
    EXPECT_THAT(Refused(Chunk(100, 101, 1, 1)), HasSubstr("runs past the blob's total"));
    // offset + n wraps in 64 bits.
    EXPECT_THAT(Refused(Chunk(100, ~0ull - 1, 4, 4)), HasSubstr("runs past the blob's total 100"));
}

TEST(RpcPacketReject, ChunkOverRawChunkBytes)
{
    // One word more than RAW_CHUNK_BYTES still fits in RPC_MAX_PACKET.
    Bytes b = Chunk(MAX_RAW_DATA, 0, RAW_CHUNK_BYTES + 4, RAW_CHUNK_BYTES + 4);
    ASSERT_LE(b.size(), RPC_MAX_PACKET);
    EXPECT_THAT(Refused(b), HasSubstr("chunk of 1048516 bytes (limit 1048512)"));
}

TEST(RpcPacketReject, ChunkEmpty)
{
    EXPECT_THAT(Refused(Chunk(100, 0, 0, 0)), HasSubstr("RAW_CHUNK: empty chunk"));
}

TEST(RpcPacketReject, ChunkShorterThanN)
{
    EXPECT_THAT(Refused(Chunk(100, 0, 8, 4)), HasSubstr("packet ends inside chunk bytes"));
}

TEST(RpcPacketReject, TrailingBytes)
{
    Bytes b = Raw(PacketType::OBITUARY).U64(1).U32(0).Done();
    EXPECT_THAT(Refused(b), HasSubstr("OBITUARY: 4 trailing bytes after its fields (at byte 32)"));
    b = Raw(PacketType::LIST_SA).U32(0).Done();
    EXPECT_THAT(Refused(b), HasSubstr("LIST_SA: 4 trailing bytes"));
    b = ReplyWith({{0, kRemote, 1, 0}});
    b.insert(b.end(), 24, 0);  // an object more than objectCount says
    PutLe(b, kLengthAt, b.size(), 4);
    EXPECT_THAT(Refused(b), HasSubstr("REPLY: 24 trailing bytes"));
}

// ---- EncodePacket refuses what DecodePacket would -----------------------

TEST(RpcPacketEncode, OversizeBody)
{
    // The largest data that fits, and 4 bytes more.
    const std::size_t fits = RPC_MAX_PACKET - BodyPacketSize(0, 0);
    Bytes data(fits + 4, 0);
    ASSERT_GT(BodyPacketSize(data.size(), 0), RPC_MAX_PACKET);
    EXPECT_THAT(EncodeRefused(Tx(data)),
                HasSubstr("TRANSACTION: packet of 1048580 bytes (limit 1048576)"));
    Packet p = Tx(std::span<const uint8_t>(data).first(fits));
    Bytes b = Encode(p);
    EXPECT_EQ(b.size(), RPC_MAX_PACKET);
    EXPECT_EQ(b.size(), BodyPacketSize(fits, 0));
    Decode(b);
    // A REPLY carries 20 bytes more data.
    p.type = PacketType::REPLY;
    p.body.data = std::span<const uint8_t>(data).first(fits + 20);
    EXPECT_EQ(Encode(p).size(), RPC_MAX_PACKET);
    p.body.data = std::span<const uint8_t>(data).first(fits + 21);
    EXPECT_THAT(EncodeRefused(p), HasSubstr("REPLY: packet of 1048580 bytes"));
    // Data alone over the limit (its u32 would not even matter).
    Bytes huge(RPC_MAX_PACKET + 1, 0);
    EXPECT_THAT(EncodeRefused(Tx(huge)), HasSubstr("1048577 bytes of data"));
}

TEST(RpcPacketEncode, BodyPacketSize)
{
    EXPECT_EQ(BodyPacketSize(0, 0), RPC_HEADER_SIZE + 24 + 8);
    EXPECT_EQ(BodyPacketSize(1, 0), RPC_HEADER_SIZE + 24 + 8 + 4);
    EXPECT_EQ(BodyPacketSize(4, 2), RPC_HEADER_SIZE + 24 + 8 + 4 + 48);
    EXPECT_EQ(BodyPacketSize(0, 0, PacketType::REPLY), RPC_HEADER_SIZE + 4 + 8);
    EXPECT_EQ(BodyPacketSize(0, 0, PacketType::GET_SA), SIZE_MAX);
    EXPECT_EQ(BodyPacketSize(SIZE_MAX - 3, 0), SIZE_MAX);
    EXPECT_EQ(BodyPacketSize(0, SIZE_MAX / 8), SIZE_MAX);
    // Matches the encoder at every padding.
    Bytes data(200, 0);
    for (std::size_t n = 0; n < 200; n += 13) {
        for (PacketType t : {PacketType::TRANSACTION, PacketType::REPLY}) {
            Packet p = Tx(std::span<const uint8_t>(data).first(n));
            p.type = t;
            if (n >= 24)
                p.body.objects = {{0, ObjectKind::OBJ_NULL, 0, 0}};
            EXPECT_EQ(Encode(p).size(), BodyPacketSize(n, p.body.objects.size(), t)) << n;
        }
    }
}

TEST(RpcPacketEncode, RefusesWhatDecodeRefuses)
{
    Packet p;
    p.type = static_cast<PacketType>(10);
    EXPECT_THAT(EncodeRefused(p), HasSubstr("unknown packet type 10"));

    p = {};
    p.type = PacketType::SA_REPLY;
    p.descriptor.assign(MAX_STRING / 2 + 1, u'a');
    EXPECT_THAT(EncodeRefused(p), HasSubstr("SA_REPLY descriptor: 2049 UTF-16 units"));
    p.descriptor.clear();
    p.text.assign(MAX_STRING + 1, 'a');
    EXPECT_THAT(EncodeRefused(p), HasSubstr("SA_REPLY text: 4097 bytes"));

    p = {};
    p.type = PacketType::LIST_REPLY;
    p.entries.resize(MAX_LIST + 1);
    EXPECT_THAT(EncodeRefused(p), HasSubstr("4097 entries"));
    p.entries = {{1, std::u16string(MAX_STRING / 2 + 1, u'a')}};
    EXPECT_THAT(EncodeRefused(p), HasSubstr("LIST_REPLY entry descriptor"));

    Bytes data(64, 0);
    EXPECT_THAT(EncodeRefused(Tx(data, std::vector<Object>(MAX_OBJECTS + 1))),
                HasSubstr("1025 objects"));
    EXPECT_THAT(EncodeRefused(Tx(data, {{2, kRemote, 1, 0}})), HasSubstr("not 4-aligned"));
    EXPECT_THAT(EncodeRefused(Tx(data, {{24, kRemote, 1, 0}, {0, kRemote, 1, 0}})),
                HasSubstr("not after the previous"));
    EXPECT_THAT(EncodeRefused(Tx(data, {{0, kRemote, 1, 0}, {20, kRemote, 1, 0}})),
                HasSubstr("overlaps the previous object (ends at 24)"));
    EXPECT_THAT(EncodeRefused(Tx(data, {{48, kRemote, 1, 0}})), HasSubstr("past the end"));
    EXPECT_THAT(EncodeRefused(Tx(data, {{0, static_cast<ObjectKind>(9), 0, 0}})),
                HasSubstr("unknown kind 9"));
    EXPECT_THAT(EncodeRefused(Tx(data, {{0, ObjectKind::OBJ_NULL, 1, 0}})),
                HasSubstr("OBJ_NULL with value 1"));
    EXPECT_THAT(EncodeRefused(Tx(data, {{0, ObjectKind::OBJ_RAW, 1, 0}})),
                HasSubstr("OBJ_RAW of 0 bytes"));
    data[5] = 1;
    EXPECT_THAT(EncodeRefused(Tx(data, {{4, kRemote, 1, 0}})),
                HasSubstr("TRANSACTION: object 0: slot at 4 has a non-zero byte at 5"));

    Bytes chunk(8, 1);
    p = {};
    p.type = PacketType::RAW_CHUNK;
    p.total = 8;
    EXPECT_THAT(EncodeRefused(p), HasSubstr("empty chunk"));
    p.chunk = chunk;
    p.chunkOffset = 1;
    EXPECT_THAT(EncodeRefused(p), HasSubstr("runs past the blob's total 8"));
    p.chunkOffset = 0;
    p.total = MAX_RAW_DATA + 1;
    EXPECT_THAT(EncodeRefused(p), HasSubstr("blob total 134217729"));
    Bytes big(RAW_CHUNK_BYTES + 1, 0);
    p.total = MAX_RAW_DATA;
    p.chunk = big;
    EXPECT_THAT(EncodeRefused(p), HasSubstr("chunk of 1048513 bytes"));
}

}  // namespace
}  // namespace ipckit::rpc
