// SPDX-License-Identifier: Apache-2.0
//
// The RPC packet codec (packet.h). DecodePacket faces bytes from another
// device: every read goes through Reader, which checks the bytes are there
// before it copies them, and every size is computed in uint64_t from values
// already bounded, so nothing can wrap. EncodePacket runs the very checks
// DecodePacket runs (CheckObjects, CheckChunk, the string and count limits),
// so what one side sends, the other accepts, and a packet decodes to exactly
// one byte string (padding and reserved are zero, nothing else is free):
// EncodePacket(DecodePacket(x)) == x.
#include "wire/packet.h"

#include <bit>
#include <cstring>
#include <sstream>
#include <utility>

namespace ipckit::rpc {

namespace {

// Why-messages: numbers and text, concatenated.
template <typename... Args>
std::string Cat(Args&&... args)
{
    std::ostringstream s;
    (s << ... << std::forward<Args>(args));
    return s.str();
}

constexpr uint64_t Pad4(uint64_t n)
{
    return (4 - (n & 3)) & 3;
}

// Fixed fields after the header, per type (the Body, strings and lists
// come on top).
constexpr std::size_t TRANSACTION_FIXED = 8 + 4 + 4 + 4 + 4;
constexpr std::size_t REPLY_FIXED = 4;
constexpr std::size_t BODY_HEADER = 8;
constexpr std::size_t OBJECT_SIZE = 24;
constexpr std::size_t RAW_CHUNK_FIXED = 8 + 8 + 8 + 4;

template <typename T>
T FromLittle(T v)
{
    if constexpr (std::endian::native == std::endian::big) {
        if constexpr (sizeof(T) == 2)
            v = static_cast<T>(__builtin_bswap16(static_cast<uint16_t>(v)));
        else if constexpr (sizeof(T) == 4)
            v = static_cast<T>(__builtin_bswap32(static_cast<uint32_t>(v)));
        else
            v = static_cast<T>(__builtin_bswap64(static_cast<uint64_t>(v)));
    }
    return v;
}

template <typename T>
T ToLittle(T v)
{
    return FromLittle(v);  // a byte swap is its own inverse
}

bool KnownType(uint16_t raw)
{
    return raw >= static_cast<uint16_t>(PacketType::GET_SA) &&
           raw <= static_cast<uint16_t>(PacketType::OBITUARY);
}

const char* KindName(ObjectKind kind)
{
    switch (kind) {
    case ObjectKind::OBJ_NULL:
        return "OBJ_NULL";
    case ObjectKind::OBJ_REMOTE:
        return "OBJ_REMOTE";
    case ObjectKind::OBJ_RAW:
        return "OBJ_RAW";
    }
    return nullptr;
}

// ---- Checks shared by both directions --------------------------------------

// A String16 of `units` UTF-16 units (MAX_STRING is in bytes).
bool CheckString16(const char* what, uint64_t units, std::string& why)
{
    if (units * 2 > MAX_STRING) {
        why = Cat(what, ": ", units, " UTF-16 units (", units * 2, " bytes, limit ", MAX_STRING,
                  ")");
        return false;
    }
    return true;
}

bool CheckString(const char* what, uint64_t bytes, std::string& why)
{
    if (bytes > MAX_STRING) {
        why = Cat(what, ": ", bytes, " bytes (limit ", MAX_STRING, ")");
        return false;
    }
    return true;
}

// The objects of a body against its data: each slot 4-aligned, after the
// previous one, inside the data and all zero; each kind known and its
// value/size meaningful. `objects` has at most MAX_OBJECTS (checked before).
bool CheckObjects(std::span<const uint8_t> data, const std::vector<Object>& objects,
                  std::string& why)
{
    uint64_t prevOffset = 0, prevEnd = 0;
    for (std::size_t i = 0; i < objects.size(); i++) {
        const Object& o = objects[i];
        const uint64_t offset = o.offset;
        const uint64_t end = offset + OBJECT_SLOT;  // u32 + 24: no wrap in u64
        const char* kind = KindName(o.kind);
        if (!kind) {
            why = Cat("object ", i, ": unknown kind ", static_cast<uint32_t>(o.kind));
            return false;
        }
        if (offset % 4 != 0) {
            why = Cat("object ", i, ": offset ", offset, " is not 4-aligned");
            return false;
        }
        if (i > 0 && offset <= prevOffset) {
            why = Cat("object ", i, ": offset ", offset, " is not after the previous object's (",
                      prevOffset, ")");
            return false;
        }
        if (i > 0 && offset < prevEnd) {
            why = Cat("object ", i, ": offset ", offset, " overlaps the previous object (ends at ",
                      prevEnd, ")");
            return false;
        }
        if (end > data.size()) {
            why = Cat("object ", i, ": slot ", offset, "..", end, " is past the end of the data (",
                      data.size(), " bytes)");
            return false;
        }
        for (uint64_t at = offset; at < end; at++) {
            if (data[at] != 0) {
                why = Cat("object ", i, ": slot at ", offset, " has a non-zero byte at ", at);
                return false;
            }
        }
        if (o.kind == ObjectKind::OBJ_NULL && (o.value != 0 || o.size != 0)) {
            why = Cat("object ", i, ": OBJ_NULL with value ", o.value, " and size ", o.size,
                      " (both must be 0)");
            return false;
        }
        if (o.kind == ObjectKind::OBJ_RAW && (o.size == 0 || o.size > MAX_RAW_DATA)) {
            why = Cat("object ", i, ": OBJ_RAW of ", o.size, " bytes (must be 1..", MAX_RAW_DATA,
                      ")");
            return false;
        }
        prevOffset = offset;
        prevEnd = end;
    }
    return true;
}

// A RAW_CHUNK's place in its blob; `n` is the chunk's length.
bool CheckChunk(uint64_t total, uint64_t offset, uint64_t n, std::string& why)
{
    if (total > MAX_RAW_DATA) {
        why = Cat("RAW_CHUNK: blob total ", total, " bytes (limit ", MAX_RAW_DATA, ")");
        return false;
    }
    if (n == 0) {
        why = "RAW_CHUNK: empty chunk";
        return false;
    }
    if (n > RAW_CHUNK_BYTES) {
        why = Cat("RAW_CHUNK: chunk of ", n, " bytes (limit ", RAW_CHUNK_BYTES, ")");
        return false;
    }
    // offset + n could wrap: compare against what is left after offset.
    if (offset > total || n > total - offset) {
        why = Cat("RAW_CHUNK: chunk at ", offset, " of ", n, " bytes runs past the blob's total ",
                  total);
        return false;
    }
    return true;
}

// ---- Decoding ---------------------------------------------------------------

// A cursor over the packet: every read checks the bytes are there first and
// names the field it wanted when they are not.
class Reader {
public:
    Reader(std::span<const uint8_t> in, std::string& why) : in_(in), why_(why) {}

    std::size_t pos() const { return pos_; }
    std::size_t left() const { return in_.size() - pos_; }

    template <typename T>
    bool Get(const char* what, T& out)
    {
        static_assert(std::is_integral_v<T>);
        if (!Need(what, sizeof(T)))
            return false;
        T v;
        std::memcpy(&v, in_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        out = FromLittle(v);
        return true;
    }

    // n bytes in place, then their padding to 4, which must be zero.
    bool Bytes(const char* what, uint64_t n, std::span<const uint8_t>& out)
    {
        if (!Need(what, n))
            return false;
        out = in_.subspan(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return Padding(what, Pad4(n));
    }

    bool Padding(const char* what, uint64_t n)
    {
        if (!Need(what, n))
            return false;
        for (std::size_t i = 0; i < n; i++) {
            if (in_[pos_ + i] != 0) {
                why_ = Cat(what, ": non-zero padding byte at ", pos_ + i);
                return false;
            }
        }
        pos_ += static_cast<std::size_t>(n);
        return true;
    }

private:
    bool Need(const char* what, uint64_t n)
    {
        if (n > left()) {
            why_ = Cat("packet ends inside ", what, " (at byte ", pos_, ": needs ", n, ", ",
                       left(), " left)");
            return false;
        }
        return true;
    }

    std::span<const uint8_t> in_;
    std::size_t pos_ = 0;
    std::string& why_;
};

bool ReadString16(Reader& r, const char* what, std::u16string& out, std::string& why)
{
    uint32_t units = 0;
    if (!r.Get(what, units) || !CheckString16(what, units, why))
        return false;
    std::span<const uint8_t> raw;
    if (!r.Bytes(what, uint64_t{units} * 2, raw))
        return false;
    out.resize(units);
    for (std::size_t i = 0; i < units; i++) {
        uint16_t u;
        std::memcpy(&u, raw.data() + 2 * i, 2);
        out[i] = static_cast<char16_t>(FromLittle(u));
    }
    return true;
}

bool ReadString(Reader& r, const char* what, std::string& out, std::string& why)
{
    uint32_t n = 0;
    if (!r.Get(what, n) || !CheckString(what, n, why))
        return false;
    std::span<const uint8_t> raw;
    if (!r.Bytes(what, n, raw))
        return false;
    out.assign(reinterpret_cast<const char*>(raw.data()), raw.size());
    return true;
}

bool ReadBody(Reader& r, Body& body, std::string& why)
{
    uint32_t dataSize = 0, count = 0;
    if (!r.Get("body dataSize", dataSize) || !r.Get("body objectCount", count))
        return false;
    if (count > MAX_OBJECTS) {
        why = Cat("body: ", count, " objects (limit ", MAX_OBJECTS, ")");
        return false;
    }
    if (!r.Bytes("body data", dataSize, body.data))
        return false;
    // Whole objects must be there before any is read (and before reserving).
    if (uint64_t{count} * OBJECT_SIZE > r.left()) {
        why = Cat("packet ends inside body objects (", count, " objects need ",
                  uint64_t{count} * OBJECT_SIZE, " bytes, ", r.left(), " left)");
        return false;
    }
    body.objects.resize(count);
    for (Object& o : body.objects) {
        uint32_t kind = 0;
        if (!r.Get("object offset", o.offset) || !r.Get("object kind", kind) ||
            !r.Get("object value", o.value) || !r.Get("object size", o.size))
            return false;
        o.kind = static_cast<ObjectKind>(kind);
    }
    return CheckObjects(body.data, body.objects, why);
}

bool ReadFields(Reader& r, Packet& p, std::string& why)
{
    switch (p.type) {
    case PacketType::GET_SA:
        return r.Get("said", p.said) && r.Get("mode", p.mode) && r.Get("timeout", p.timeout);
    case PacketType::SA_REPLY:
        return r.Get("status", p.status) && r.Get("stubIndex", p.stubIndex) &&
               ReadString16(r, "SA_REPLY descriptor", p.descriptor, why) &&
               ReadString(r, "SA_REPLY text", p.text, why);
    case PacketType::LIST_SA:
        return true;
    case PacketType::LIST_REPLY: {
        uint32_t n = 0;
        if (!r.Get("status", p.status) || !ReadString(r, "LIST_REPLY text", p.text, why) ||
            !r.Get("LIST_REPLY count", n))
            return false;
        if (n > MAX_LIST) {
            why = Cat("LIST_REPLY: ", n, " entries (limit ", MAX_LIST, ")");
            return false;
        }
        // Each entry takes at least 8 bytes: no reserving for a short packet.
        if (uint64_t{n} * 8 > r.left()) {
            why = Cat("packet ends inside LIST_REPLY entries (", n, " entries need at least ",
                      uint64_t{n} * 8, " bytes, ", r.left(), " left)");
            return false;
        }
        p.entries.resize(n);
        for (SaEntry& e : p.entries)
            if (!r.Get("entry said", e.said) ||
                !ReadString16(r, "LIST_REPLY entry descriptor", e.descriptor, why))
                return false;
        return true;
    }
    case PacketType::TRANSACTION:
        return r.Get("stubIndex", p.stubIndex) && r.Get("code", p.code) &&
               r.Get("flags", p.flags) && r.Get("callerPid", p.callerPid) &&
               r.Get("callerUid", p.callerUid) && ReadBody(r, p.body, why);
    case PacketType::REPLY:
        return r.Get("status", p.status) && ReadBody(r, p.body, why);
    case PacketType::RAW_CHUNK: {
        uint32_t n = 0;
        if (!r.Get("blob", p.blob) || !r.Get("total", p.total) ||
            !r.Get("chunk offset", p.chunkOffset) || !r.Get("chunk length", n) ||
            !CheckChunk(p.total, p.chunkOffset, n, why))
            return false;
        return r.Bytes("chunk bytes", n, p.chunk);
    }
    case PacketType::DECREF:
        return r.Get("stubIndex", p.stubIndex) && r.Get("count", p.count);
    case PacketType::OBITUARY:
        return r.Get("stubIndex", p.stubIndex);
    }
    why = Cat("unknown packet type ", static_cast<uint16_t>(p.type));
    return false;
}

// ---- Encoding ---------------------------------------------------------------

class Writer {
public:
    explicit Writer(std::size_t size) { out_.reserve(size); }

    template <typename T>
    void Put(T v)
    {
        static_assert(std::is_integral_v<T>);
        v = ToLittle(v);
        const auto* p = reinterpret_cast<const uint8_t*>(&v);
        out_.insert(out_.end(), p, p + sizeof(T));
    }

    void Bytes(std::span<const uint8_t> b)
    {
        out_.insert(out_.end(), b.begin(), b.end());
        out_.insert(out_.end(), Pad4(b.size()), 0);
    }

    void String16(const std::u16string& s)
    {
        Put(static_cast<uint32_t>(s.size()));
        for (char16_t c : s)
            Put(static_cast<uint16_t>(c));
        out_.insert(out_.end(), Pad4(s.size() * 2), 0);
    }

    void String(const std::string& s)
    {
        Put(static_cast<uint32_t>(s.size()));
        Bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
    }

    std::vector<uint8_t>& out() { return out_; }

private:
    std::vector<uint8_t> out_;
};

uint64_t String16Size(const std::u16string& s)
{
    return 4 + s.size() * 2 + Pad4(s.size() * 2);
}

uint64_t StringSize(const std::string& s)
{
    return 4 + s.size() + Pad4(s.size());
}

// Checks what DecodePacket would check, and gives the encoded size. Every
// length is bounded before it is added (strings, counts, data within
// RPC_MAX_PACKET), so the sum cannot wrap.
bool Validate(const Packet& p, uint64_t& size, std::string& why)
{
    size = RPC_HEADER_SIZE;
    auto body = [&](const Body& b) {
        if (b.data.size() > RPC_MAX_PACKET) {
            why = Cat("body: ", b.data.size(), " bytes of data (packet limit ", RPC_MAX_PACKET,
                      ")");
            return false;
        }
        if (b.objects.size() > MAX_OBJECTS) {
            why = Cat("body: ", b.objects.size(), " objects (limit ", MAX_OBJECTS, ")");
            return false;
        }
        if (!CheckObjects(b.data, b.objects, why))
            return false;
        size += BODY_HEADER + b.data.size() + Pad4(b.data.size()) + b.objects.size() * OBJECT_SIZE;
        return true;
    };
    switch (p.type) {
    case PacketType::GET_SA:
        size += 12;
        return true;
    case PacketType::SA_REPLY:
        if (!CheckString16("SA_REPLY descriptor", p.descriptor.size(), why) ||
            !CheckString("SA_REPLY text", p.text.size(), why))
            return false;
        size += 4 + 8 + String16Size(p.descriptor) + StringSize(p.text);
        return true;
    case PacketType::LIST_SA:
        return true;
    case PacketType::LIST_REPLY:
        if (!CheckString("LIST_REPLY text", p.text.size(), why))
            return false;
        if (p.entries.size() > MAX_LIST) {
            why = Cat("LIST_REPLY: ", p.entries.size(), " entries (limit ", MAX_LIST, ")");
            return false;
        }
        size += 4 + StringSize(p.text) + 4;
        for (const SaEntry& e : p.entries) {
            if (!CheckString16("LIST_REPLY entry descriptor", e.descriptor.size(), why))
                return false;
            size += 4 + String16Size(e.descriptor);
        }
        return true;
    case PacketType::TRANSACTION:
        size += TRANSACTION_FIXED;
        return body(p.body);
    case PacketType::REPLY:
        size += REPLY_FIXED;
        return body(p.body);
    case PacketType::RAW_CHUNK:
        if (!CheckChunk(p.total, p.chunkOffset, p.chunk.size(), why))
            return false;
        size += RAW_CHUNK_FIXED + p.chunk.size() + Pad4(p.chunk.size());
        return true;
    case PacketType::DECREF:
        size += 8 + 4;
        return true;
    case PacketType::OBITUARY:
        size += 8;
        return true;
    }
    why = Cat("unknown packet type ", static_cast<uint16_t>(p.type));
    return false;
}

void WriteBody(Writer& w, const Body& b)
{
    w.Put(static_cast<uint32_t>(b.data.size()));
    w.Put(static_cast<uint32_t>(b.objects.size()));
    w.Bytes(b.data);
    for (const Object& o : b.objects) {
        w.Put(o.offset);
        w.Put(static_cast<uint32_t>(o.kind));
        w.Put(o.value);
        w.Put(o.size);
    }
}

void WriteFields(Writer& w, const Packet& p)
{
    switch (p.type) {
    case PacketType::GET_SA:
        w.Put(p.said);
        w.Put(p.mode);
        w.Put(p.timeout);
        break;
    case PacketType::SA_REPLY:
        w.Put(p.status);
        w.Put(p.stubIndex);
        w.String16(p.descriptor);
        w.String(p.text);
        break;
    case PacketType::LIST_SA:
        break;
    case PacketType::LIST_REPLY:
        w.Put(p.status);
        w.String(p.text);
        w.Put(static_cast<uint32_t>(p.entries.size()));
        for (const SaEntry& e : p.entries) {
            w.Put(e.said);
            w.String16(e.descriptor);
        }
        break;
    case PacketType::TRANSACTION:
        w.Put(p.stubIndex);
        w.Put(p.code);
        w.Put(p.flags);
        w.Put(p.callerPid);
        w.Put(p.callerUid);
        WriteBody(w, p.body);
        break;
    case PacketType::REPLY:
        w.Put(p.status);
        WriteBody(w, p.body);
        break;
    case PacketType::RAW_CHUNK:
        w.Put(p.blob);
        w.Put(p.total);
        w.Put(p.chunkOffset);
        w.Put(static_cast<uint32_t>(p.chunk.size()));
        w.Bytes(p.chunk);
        break;
    case PacketType::DECREF:
        w.Put(p.stubIndex);
        w.Put(p.count);
        break;
    case PacketType::OBITUARY:
        w.Put(p.stubIndex);
        break;
    }
}

}  // namespace

const char* ToString(PacketType type)
{
    switch (type) {
    case PacketType::GET_SA:
        return "GET_SA";
    case PacketType::SA_REPLY:
        return "SA_REPLY";
    case PacketType::LIST_SA:
        return "LIST_SA";
    case PacketType::LIST_REPLY:
        return "LIST_REPLY";
    case PacketType::TRANSACTION:
        return "TRANSACTION";
    case PacketType::REPLY:
        return "REPLY";
    case PacketType::RAW_CHUNK:
        return "RAW_CHUNK";
    case PacketType::DECREF:
        return "DECREF";
    case PacketType::OBITUARY:
        return "OBITUARY";
    }
    return "UNKNOWN";
}

std::vector<uint8_t> EncodePacket(const Packet& packet, std::string* why)
{
    std::string reason;
    uint64_t size = 0;
    if (!Validate(packet, size, reason)) {
        if (why)
            *why = Cat(ToString(packet.type), ": ", reason);
        return {};
    }
    if (size > RPC_MAX_PACKET) {
        if (why)
            *why = Cat(ToString(packet.type), ": packet of ", size, " bytes (limit ",
                       RPC_MAX_PACKET, ")");
        return {};
    }
    Writer w(static_cast<std::size_t>(size));
    w.Put(RPC_MAGIC);
    w.Put(RPC_VERSION);
    w.Put(static_cast<uint16_t>(packet.type));
    w.Put(packet.seq);
    w.Put(static_cast<uint32_t>(size));
    w.Put(uint32_t{0});
    WriteFields(w, packet);
    // Validate's size and the writer must agree, or the header's length lies.
    if (w.out().size() != size) {
        if (why)
            *why = Cat(ToString(packet.type), ": internal: wrote ", w.out().size(),
                       " bytes, expected ", size);
        return {};
    }
    return std::move(w.out());
}

bool DecodePacket(std::span<const uint8_t> bytes, Packet& out, std::string& why)
{
    out = Packet{};
    if (bytes.size() > RPC_MAX_PACKET) {
        why = Cat("packet of ", bytes.size(), " bytes (limit ", RPC_MAX_PACKET, ")");
        return false;
    }
    if (bytes.size() < RPC_HEADER_SIZE) {
        why = Cat("packet of ", bytes.size(), " bytes is shorter than its ", RPC_HEADER_SIZE,
                  "-byte header");
        return false;
    }
    // Field errors go to `reason`, then get the packet type in front.
    std::string reason;
    Reader r(bytes, reason);
    uint32_t magic = 0, length = 0, reserved = 0;
    uint16_t version = 0, type = 0;
    // The header is there (checked above): these reads cannot fail.
    r.Get("magic", magic);
    r.Get("version", version);
    r.Get("type", type);
    r.Get("seq", out.seq);
    r.Get("length", length);
    r.Get("reserved", reserved);
    if (magic != RPC_MAGIC) {
        why = Cat("bad magic 0x", std::hex, magic, " (want 0x", RPC_MAGIC, " \"IRPC\")");
        return false;
    }
    if (version != RPC_VERSION) {
        why = Cat("version ", version, " (this side speaks ", RPC_VERSION, ")");
        return false;
    }
    if (!KnownType(type)) {
        why = Cat("unknown packet type ", type);
        return false;
    }
    out.type = static_cast<PacketType>(type);
    if (length != bytes.size()) {
        why = Cat(ToString(out.type), ": header length ", length, " but ", bytes.size(),
                  " bytes received");
        return false;
    }
    if (reserved != 0) {
        why = Cat(ToString(out.type), ": reserved header word 0x", std::hex, reserved,
                  " is not zero");
        return false;
    }
    if (!ReadFields(r, out, reason)) {
        why = Cat(ToString(out.type), ": ", reason);
        return false;
    }
    if (r.left() != 0) {
        why = Cat(ToString(out.type), ": ", r.left(), " trailing bytes after its fields (at byte ",
                  r.pos(), ")");
        return false;
    }
    return true;
}

std::size_t BodyPacketSize(std::size_t dataSize, std::size_t objectCount, PacketType type)
{
    std::size_t fixed;
    if (type == PacketType::TRANSACTION)
        fixed = TRANSACTION_FIXED;
    else if (type == PacketType::REPLY)
        fixed = REPLY_FIXED;
    else
        return SIZE_MAX;
    // Saturating: a caller compares the result with RPC_MAX_PACKET.
    std::size_t size = RPC_HEADER_SIZE + fixed + BODY_HEADER;
    std::size_t objects = 0;
    if (__builtin_mul_overflow(objectCount, OBJECT_SIZE, &objects) ||
        __builtin_add_overflow(size, dataSize, &size) ||
        __builtin_add_overflow(size, static_cast<std::size_t>(Pad4(dataSize)), &size) ||
        __builtin_add_overflow(size, objects, &size))
        return SIZE_MAX;
    return size;
}

}  // namespace ipckit::rpc
