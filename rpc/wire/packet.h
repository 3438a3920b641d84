// SPDX-License-Identifier: Apache-2.0
//
// The RPC packet: what two rpcds say to each other over a soft bus session
// ("ipckit.rpc"). One soft bus message carries exactly one packet; a packet
// is at most RPC_MAX_PACKET bytes. Everything is little-endian, every field
// of a received packet is checked by DecodePacket before anything uses it,
// and a packet that fails a check is dropped whole (the caller logs why).
//
//   Header (24 bytes)
//     u32 magic "IRPC"   u16 version (1)   u16 type (PacketType)
//     u64 seq            u32 length (whole packet)   u32 reserved (0)
//   GET_SA       i32 said, i32 mode (RpcGetMode), i32 timeout (s)
//   SA_REPLY     i32 status, u64 stubIndex, String16 descriptor, String text
//   LIST_SA      (nothing)
//   LIST_REPLY   i32 status, String text, u32 n, n x (i32 said, String16 descriptor)
//   TRANSACTION  u64 stubIndex, u32 code, u32 flags, i32 callerPid, u32 callerUid,
//                Body
//   REPLY        i32 status, Body        (seq echoes the TRANSACTION's)
//   RAW_CHUNK    u64 blob, u64 total, u64 offset, u32 n, n bytes (padded to 4)
//   DECREF       u64 stubIndex, u32 count
//   OBITUARY     u64 stubIndex
//   Body         u32 dataSize, u32 objectCount, data (padded to 4),
//                objectCount x Object (24 bytes)
//   Object       u32 offset, u32 kind (ObjectKind), u64 value, u64 size
//   String16     u32 units, units x u16 (padded to 4);  String  u32 n, n bytes (padded)
//
// Objects: `offset` is where in the data the object sits; the data holds
// OBJECT_SLOT zero bytes there, which the receiver replaces with its own
// flat object. Offsets are 4-aligned, ascending, and slots do not overlap.
//   OBJ_NULL     a null object (value, size 0)
//   OBJ_REMOTE   an object the sender exports to this peer: value = its
//                stubIndex in the sender's table for this peer
//   OBJ_RAW      raw data sent before as RAW_CHUNKs: value = blob, size = bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ipckit::rpc {

inline constexpr uint32_t RPC_MAGIC = 0x43505249;  // "IRPC" little-endian
inline constexpr uint16_t RPC_VERSION = 1;
inline constexpr std::size_t RPC_MAX_PACKET = 1u << 20;
inline constexpr std::size_t RPC_HEADER_SIZE = 24;
// The flat_binder_object's size: the hole an object leaves in the data.
inline constexpr std::size_t OBJECT_SLOT = 24;
inline constexpr std::size_t MAX_OBJECTS = 1024;  // per body
inline constexpr std::size_t MAX_LIST = 4096;     // LIST_REPLY entries
inline constexpr std::size_t MAX_STRING = 4096;   // bytes of a String/String16
inline constexpr uint64_t MAX_RAW_DATA = 128ull << 20;
// The most raw bytes one RAW_CHUNK carries (fits a packet with its header).
inline constexpr std::size_t RAW_CHUNK_BYTES = RPC_MAX_PACKET - 64;

enum class PacketType : uint16_t {
    GET_SA = 1,
    SA_REPLY = 2,
    LIST_SA = 3,
    LIST_REPLY = 4,
    TRANSACTION = 5,
    REPLY = 6,
    RAW_CHUNK = 7,
    DECREF = 8,
    OBITUARY = 9,
};
const char* ToString(PacketType type);

enum class ObjectKind : uint32_t {
    OBJ_NULL = 0,
    OBJ_REMOTE = 1,
    OBJ_RAW = 2,
};

struct Object {
    uint32_t offset = 0;
    ObjectKind kind = ObjectKind::OBJ_NULL;
    uint64_t value = 0;
    uint64_t size = 0;
};

// Data and objects of a TRANSACTION or REPLY. Decoded, `data` points into
// the packet buffer (valid as long as it is).
struct Body {
    std::span<const uint8_t> data;
    std::vector<Object> objects;
};

struct SaEntry {
    int32_t said = 0;
    std::u16string descriptor;
};

// One decoded packet: the fields of its type are set, the rest stay default.
struct Packet {
    PacketType type = PacketType::GET_SA;
    uint64_t seq = 0;
    // GET_SA
    int32_t said = 0;
    int32_t mode = 0;
    int32_t timeout = 0;
    // SA_REPLY, LIST_REPLY, REPLY
    int32_t status = 0;
    std::u16string descriptor;
    std::string text;
    std::vector<SaEntry> entries;
    // TRANSACTION, SA_REPLY, DECREF, OBITUARY
    uint64_t stubIndex = 0;
    uint32_t code = 0;
    uint32_t flags = 0;
    int32_t callerPid = 0;
    uint32_t callerUid = 0;
    Body body;
    // RAW_CHUNK
    uint64_t blob = 0;
    uint64_t total = 0;
    uint64_t chunkOffset = 0;
    std::span<const uint8_t> chunk;
    // DECREF
    uint32_t count = 0;
};

// The packet as bytes; empty if it would exceed RPC_MAX_PACKET or breaks
// a limit above (then `why` says which). Encoding checks the body's
// objects as DecodePacket does.
std::vector<uint8_t> EncodePacket(const Packet& packet, std::string* why = nullptr);

// Decodes `bytes` (one soft bus message). False, with `why` set, for
// anything malformed: short or long input, wrong magic, version, length
// or type, a count or string over its limit, unaligned, unordered,
// overlapping or out-of-range object offsets, a non-zero object slot, an
// unknown object kind, a raw chunk past its blob's total or a total over
// MAX_RAW_DATA, trailing bytes. Also: a non-zero reserved word or padding
// byte, an OBJ_NULL whose value or size is not 0, an OBJ_RAW of 0 or more
// than MAX_RAW_DATA bytes, an empty chunk or one over RAW_CHUNK_BYTES. So
// the encoding is canonical: EncodePacket(DecodePacket(x)) == x. On
// success `out` refers into `bytes`.
bool DecodePacket(std::span<const uint8_t> bytes, Packet& out, std::string& why);

// The encoded size of a TRANSACTION or REPLY with this body, to check
// before building it. The two differ (a REPLY's fixed fields are 20 bytes
// shorter), hence `type`; the default, TRANSACTION, is the larger, so it
// is a safe bound for either. SIZE_MAX for another type or on overflow.
std::size_t BodyPacketSize(std::size_t dataSize, std::size_t objectCount,
                           PacketType type = PacketType::TRANSACTION);

}  // namespace ipckit::rpc
