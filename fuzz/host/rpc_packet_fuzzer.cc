// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: the RPC packet codec (rpc/wire/packet.h), which rpcd
// runs on every soft bus message another device sends it.
//
// The input is one packet. It is decoded twice: as it is, and with the
// header's length word set to the input's size (else nearly every mutation
// stops at the length check and the fields behind it go unfuzzed).
// Checked on every decoding:
//   refused: a why; and the header model (size, magic, version, type,
//            length, reserved) agrees that a bad header is refused;
//   accepted: the packet is within every limit of packet.h (type known,
//            counts, strings, object offsets 4-aligned, ascending, apart,
//            inside the data over zero slots, kinds and their value/size,
//            the chunk inside its blob), the spans point into the input,
//            the other types' fields are untouched, BodyPacketSize is the
//            size; EncodePacket gives back the input byte for byte (the
//            format is canonical) and the why is untouched;
//   variants: the accepted packet changed in one place the input picks
//            (an object's offset, kind, value or size, one object more or
//            fewer, the data or chunk cut, the chunk moved or its blob's
//            total changed, a string longer): EncodePacket either refuses
//            it with a why, or gives bytes DecodePacket accepts and that
//            decode to the variant (Encode never makes what Decode refuses).
#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "wire/packet.h"

using namespace ipckit::rpc;

namespace {

uint64_t Le(std::span<const uint8_t> in, std::size_t at, std::size_t n)
{
    uint64_t v = 0;
    for (std::size_t i = 0; i < n; i++)
        v |= uint64_t{in[at + i]} << (8 * i);
    return v;
}

bool Inside(std::span<const uint8_t> part, std::span<const uint8_t> whole)
{
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

bool HasBody(PacketType t)
{
    return t == PacketType::TRANSACTION || t == PacketType::REPLY;
}

// The header's checks, written again from packet.h: a packet whose header
// fails one of them must be refused.
bool HeaderOk(std::span<const uint8_t> in)
{
    if (in.size() < RPC_HEADER_SIZE || in.size() > RPC_MAX_PACKET)
        return false;
    uint64_t type = Le(in, 6, 2);
    return Le(in, 0, 4) == RPC_MAGIC && Le(in, 4, 2) == RPC_VERSION && type >= 1 && type <= 9 &&
           Le(in, 16, 4) == in.size() && Le(in, 20, 4) == 0;
}

void CheckObjects(const Body& body)
{
    CHECK(body.objects.size() <= MAX_OBJECTS, "%zu objects", body.objects.size());
    uint64_t prevEnd = 0;
    for (std::size_t i = 0; i < body.objects.size(); i++) {
        const Object& o = body.objects[i];
        CHECK(o.offset % 4 == 0, "object %zu at %u", i, o.offset);
        CHECK(i == 0 || o.offset >= prevEnd, "object %zu at %u, previous ends at %llu", i,
              o.offset, static_cast<unsigned long long>(prevEnd));
        uint64_t end = uint64_t{o.offset} + OBJECT_SLOT;
        CHECK(end <= body.data.size(), "object %zu ends at %llu, data %zu", i,
              static_cast<unsigned long long>(end), body.data.size());
        for (uint64_t at = o.offset; at < end; at++)
            CHECK(body.data[at] == 0, "object %zu: slot byte %llu is %u", i,
                  static_cast<unsigned long long>(at), body.data[at]);
        switch (o.kind) {
        case ObjectKind::OBJ_NULL:
            CHECK(o.value == 0 && o.size == 0, "object %zu: NULL with value/size", i);
            break;
        case ObjectKind::OBJ_REMOTE:
            break;
        case ObjectKind::OBJ_RAW:
            CHECK(o.size >= 1 && o.size <= MAX_RAW_DATA, "object %zu: RAW of %llu", i,
                  static_cast<unsigned long long>(o.size));
            break;
        default:
            CHECK(false, "object %zu: kind %u", i, static_cast<uint32_t>(o.kind));
        }
        prevEnd = end;
    }
}

// An accepted packet keeps every limit of packet.h.
void CheckPacket(const Packet& p, std::span<const uint8_t> in)
{
    CHECK(std::strcmp(ToString(p.type), "UNKNOWN") != 0, "type %u", unsigned(p.type));
    CHECK(in.size() <= RPC_MAX_PACKET && in.size() % 4 == 0, "accepted %zu bytes", in.size());
    CHECK(p.seq == Le(in, 8, 8), "seq");
    CHECK(p.descriptor.size() * 2 <= MAX_STRING && p.text.size() <= MAX_STRING, "strings %zu %zu",
          p.descriptor.size(), p.text.size());
    CHECK(p.entries.size() <= MAX_LIST, "%zu entries", p.entries.size());
    for (const SaEntry& e : p.entries)
        CHECK(e.descriptor.size() * 2 <= MAX_STRING, "entry descriptor %zu", e.descriptor.size());
    CHECK(Inside(p.body.data, in) && Inside(p.chunk, in), "a span outside the input");
    CheckObjects(p.body);
    if (HasBody(p.type)) {
        CHECK(BodyPacketSize(p.body.data.size(), p.body.objects.size(), p.type) == in.size(),
              "BodyPacketSize %zu, packet %zu",
              BodyPacketSize(p.body.data.size(), p.body.objects.size(), p.type), in.size());
        CHECK(BodyPacketSize(p.body.data.size(), p.body.objects.size()) >= in.size(),
              "BodyPacketSize's default is not a bound");
    } else {
        CHECK(p.body.data.empty() && p.body.objects.empty(), "%s with a body", ToString(p.type));
    }
    if (p.type == PacketType::RAW_CHUNK) {
        CHECK(p.total <= MAX_RAW_DATA, "total %llu", static_cast<unsigned long long>(p.total));
        CHECK(!p.chunk.empty() && p.chunk.size() <= RAW_CHUNK_BYTES, "chunk %zu", p.chunk.size());
        CHECK(p.chunkOffset <= p.total && p.chunk.size() <= p.total - p.chunkOffset,
              "chunk past its total");
    } else {
        CHECK(p.chunk.empty() && p.blob == 0 && p.total == 0 && p.chunkOffset == 0,
              "%s with a chunk", ToString(p.type));
    }
    if (p.type != PacketType::LIST_REPLY)
        CHECK(p.entries.empty(), "%s with entries", ToString(p.type));
    if (p.type != PacketType::GET_SA)
        CHECK(p.said == 0 && p.mode == 0 && p.timeout == 0, "%s with GET_SA's fields",
              ToString(p.type));
    if (p.type != PacketType::TRANSACTION)
        CHECK(p.code == 0 && p.flags == 0 && p.callerPid == 0 && p.callerUid == 0,
              "%s with TRANSACTION's fields", ToString(p.type));
    if (p.type != PacketType::DECREF)
        CHECK(p.count == 0, "%s with a count", ToString(p.type));
}

bool SameBody(const Body& a, const Body& b)
{
    if (a.data.size() != b.data.size() || a.objects.size() != b.objects.size() ||
        !std::equal(a.data.begin(), a.data.end(), b.data.begin()))
        return false;
    for (std::size_t i = 0; i < a.objects.size(); i++) {
        const Object &x = a.objects[i], &y = b.objects[i];
        if (x.offset != y.offset || x.kind != y.kind || x.value != y.value || x.size != y.size)
            return false;
    }
    return true;
}

bool SameEntries(const std::vector<SaEntry>& a, const std::vector<SaEntry>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); i++)
        if (a[i].said != b[i].said || a[i].descriptor != b[i].descriptor)
            return false;
    return true;
}

// The fields `type` sends are equal (the others are not sent).
bool SamePacket(const Packet& a, const Packet& b)
{
    if (a.type != b.type || a.seq != b.seq)
        return false;
    switch (a.type) {
    case PacketType::GET_SA:
        return a.said == b.said && a.mode == b.mode && a.timeout == b.timeout;
    case PacketType::SA_REPLY:
        return a.status == b.status && a.stubIndex == b.stubIndex &&
               a.descriptor == b.descriptor && a.text == b.text;
    case PacketType::LIST_SA:
        return true;
    case PacketType::LIST_REPLY:
        return a.status == b.status && a.text == b.text && SameEntries(a.entries, b.entries);
    case PacketType::TRANSACTION:
        return a.stubIndex == b.stubIndex && a.code == b.code && a.flags == b.flags &&
               a.callerPid == b.callerPid && a.callerUid == b.callerUid &&
               SameBody(a.body, b.body);
    case PacketType::REPLY:
        return a.status == b.status && SameBody(a.body, b.body);
    case PacketType::RAW_CHUNK:
        return a.blob == b.blob && a.total == b.total && a.chunkOffset == b.chunkOffset &&
               a.chunk.size() == b.chunk.size() &&
               std::equal(a.chunk.begin(), a.chunk.end(), b.chunk.begin());
    case PacketType::DECREF:
        return a.stubIndex == b.stubIndex && a.count == b.count;
    case PacketType::OBITUARY:
        return a.stubIndex == b.stubIndex;
    }
    return false;
}

// Encode(v) is refused with a why, or decodes back to v.
void CheckEncodes(const Packet& v)
{
    std::string why;
    std::vector<uint8_t> bytes = EncodePacket(v, &why);
    if (bytes.empty()) {
        CHECK(!why.empty(), "EncodePacket refused a %s without a why", ToString(v.type));
        return;
    }
    Packet back;
    std::string refusal;
    CHECK(DecodePacket(bytes, back, refusal), "EncodePacket made a %s DecodePacket refuses: %s",
          ToString(v.type), refusal.c_str());
    CHECK(SamePacket(back, v), "a %s variant does not decode to itself", ToString(v.type));
    CHECK(EncodePacket(back) == bytes, "a %s variant re-encodes differently", ToString(v.type));
}

// One change to an accepted packet, picked by `pick` (bytes of the input).
void CheckVariant(const Packet& p, uint64_t pick, std::span<const uint8_t> in)
{
    Packet v = p;
    const uint32_t arg = static_cast<uint32_t>(pick >> 8);
    std::vector<uint8_t> data;  // a body or chunk the variant owns
    std::size_t n = v.body.objects.size();
    switch (pick % 12) {
    case 0:  // an object moves
        if (n)
            v.body.objects[arg % n].offset += (arg >> 16) % 64 - 32;
        break;
    case 1:  // an object's kind changes
        if (n)
            v.body.objects[arg % n].kind = static_cast<ObjectKind>((arg >> 16) % 4);
        break;
    case 2:  // an object's value or size changes
        if (n) {
            Object& o = v.body.objects[arg % n];
            ((arg >> 16) & 1 ? o.size : o.value) = pick >> 40;
        }
        break;
    case 3:  // an object more, somewhere
        v.body.objects.push_back({arg & ~3u, static_cast<ObjectKind>((arg >> 24) % 3), 0,
                                  (arg >> 26) % 2});
        break;
    case 4:  // an object fewer
        if (n)
            v.body.objects.erase(v.body.objects.begin() + arg % n);
        break;
    case 5:  // the data cut short
        v.body.data = v.body.data.first(arg % (v.body.data.size() + 1));
        break;
    case 6:  // the data, zero-filled where a slot might go, and longer
        data.assign(v.body.data.begin(), v.body.data.end());
        data.resize(data.size() + arg % 4096, 0);
        v.body.data = data;
        break;
    case 7:  // the chunk cut (possibly empty)
        v.chunk = v.chunk.first(arg % (v.chunk.size() + 1));
        break;
    case 8:  // the chunk moved within (or past) its blob
        v.chunkOffset = pick >> 24;
        break;
    case 9:  // the blob's total changed
        v.total = (pick >> 8) & ((1ull << 28) - 1);
        break;
    case 10:  // a string longer, perhaps over MAX_STRING
        v.text.append(arg % 4200, 'x');
        v.descriptor.append(arg % 2100, u'\u00e9');
        if (!v.entries.empty())
            v.entries[arg % v.entries.size()].descriptor.append(arg % 2100, u'a');
        break;
    case 11:  // the whole input as the chunk or the data
        v.chunk = in;
        v.body.data = in;
        break;
    }
    CheckEncodes(v);
}

void DecodeOne(std::span<const uint8_t> in)
{
    Packet p;
    std::string why = "untouched";
    if (!DecodePacket(in, p, why)) {
        CHECK(!why.empty() && why != "untouched", "refused without a why");
        return;
    }
    CHECK(why == "untouched", "an accepted packet changed why to '%s'", why.c_str());
    CHECK(HeaderOk(in), "a packet with a bad header was accepted");
    CheckPacket(p, in);

    std::string encodeWhy;
    std::vector<uint8_t> again = EncodePacket(p, &encodeWhy);
    CHECK(!again.empty(), "an accepted %s does not encode: %s", ToString(p.type),
          encodeWhy.c_str());
    CHECK(again.size() == in.size() && std::memcmp(again.data(), in.data(), in.size()) == 0,
          "an accepted %s re-encodes to %zu other bytes (input %zu)", ToString(p.type),
          again.size(), in.size());

    CheckVariant(p, Le(in, 8, 8), in);  // the seq word picks the change
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::span<const uint8_t> in(data, size);
    DecodeOne(in);
    if (size >= RPC_HEADER_SIZE && size <= RPC_MAX_PACKET && Le(in, 16, 4) != size) {
        std::vector<uint8_t> fixed(in.begin(), in.end());
        for (std::size_t i = 0; i < 4; i++)
            fixed[16 + i] = static_cast<uint8_t>(size >> (8 * i));
        DecodeOne(fixed);
    }
    return 0;
}
