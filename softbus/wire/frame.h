// SPDX-License-Identifier: Apache-2.0
//
// Frames: the unit on a link between two softbusds (inside TLS) and on a
// process's channel to its softbusd (a unix socket). Both speak the same
// 12-byte header, big-endian:
//
//   u32 length    body bytes that follow, <= MAX_FRAME_BODY
//   u8  type      FrameType
//   u8  flags     DATA: FLAG_FIRST (body starts with the message's u32
//                 total length), FLAG_LAST; 0 elsewhere
//   u16 reserved  0
//   u32 channel   link: the session's wire id (0 = the link itself);
//                 process channel: the request id or the session
//
// Control bodies are JSON objects (parsed without exceptions, every field
// checked); DATA bodies are message bytes, CREDIT a u32, PING/PONG a u64.
// A decoder rejects a frame by its header, before it allocates the body.
// Documentation/softbus.rst has the protocol in prose.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <ipckit/result.h>

namespace ipckit::softbus {

inline constexpr std::size_t FRAME_HEADER = 12;
// A DATA chunk carries at most this much of a message.
inline constexpr std::size_t MAX_CHUNK = 64 * 1024;
// The body limit: a chunk plus its FIRST length word. Control bodies are
// far smaller; MAX_CONTROL_BODY bounds them.
inline constexpr std::size_t MAX_FRAME_BODY = MAX_CHUNK + 4;
inline constexpr std::size_t MAX_CONTROL_BODY = 4096;
inline constexpr uint32_t PROTOCOL_VERSION = 1;

enum class FrameType : uint8_t {
    // link (softbusd <-> softbusd)
    HELLO = 1,      // JSON {version, networkId, name}: first frame each way
    PING = 2,       // u64 token
    PONG = 3,       // the PING's token
    GOODBYE = 4,    // JSON {reason}: this device is leaving
    OPEN = 5,       // JSON {name, window}: open wire id `channel`
    OPEN_OK = 6,    // JSON {window}
    OPEN_FAIL = 7,  // JSON {code, message}
    DATA = 8,       // message bytes (FLAG_FIRST, FLAG_LAST)
    CREDIT = 9,     // u32: the receiver took this many more bytes
    CLOSE = 10,     // JSON {reason}: the session ends

    // process channel (process <-> its softbusd)
    LISTEN = 32,          // JSON {name}                     -> RESULT
    UNLISTEN = 33,        // JSON {name}                     -> RESULT
    BIND = 34,            // JSON {networkId, name, timeoutMs} -> RESULT {session} + fd
    SHUTDOWN = 35,        // JSON {session}                  -> RESULT
    SUBSCRIBE = 36,       // JSON {on}: device events        -> RESULT
    RESULT = 37,          // JSON {code, message, ...}; channel = the request id
    SESSION_OPENED = 38,  // JSON {session, name, peer} + fd (a server's new session)
    SESSION_CLOSED = 39,  // JSON {session, reason}
    DEVICE_EVENT = 40,    // JSON {online, device{...}}
};

enum : uint8_t {
    FLAG_FIRST = 1,
    FLAG_LAST = 2,
};

struct FrameHeader {
    uint32_t length = 0;
    FrameType type = FrameType::HELLO;
    uint8_t flags = 0;
    uint32_t channel = 0;
};

struct Frame {
    FrameHeader header;
    std::vector<uint8_t> body;
};

const char* ToString(FrameType type);
bool IsLinkFrame(FrameType type);
bool IsChannelFrame(FrameType type);

void EncodeHeader(const FrameHeader& header, uint8_t out[FRAME_HEADER]);
// Checks the header alone: known type, reserved zero, length within the
// type's limit, flags only on DATA.
Result<FrameHeader> DecodeHeader(const uint8_t in[FRAME_HEADER]);

// Whole frames, appended to `out`.
void AppendFrame(std::vector<uint8_t>& out, FrameType type, uint32_t channel,
                 std::span<const uint8_t> body, uint8_t flags = 0);
void AppendJsonFrame(std::vector<uint8_t>& out, FrameType type, uint32_t channel,
                     const nlohmann::json& body);

// Turns a byte stream into frames. Feed() takes what arrived; Next()
// returns complete frames one by one. After an error the stream is
// unusable (the caller closes it): error() says why.
class FrameDecoder {
public:
    // Bytes the decoder wants next, at most: read no more than this, so a
    // peer cannot make us buffer beyond one frame.
    std::size_t Wanted() const;
    // Takes bytes; returns false (and sets error) on a bad header.
    bool Feed(const uint8_t* data, std::size_t len, std::size_t* used);
    std::optional<Frame> Next();
    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }

private:
    uint8_t head_[FRAME_HEADER] = {};
    std::size_t headLen_ = 0;
    std::optional<FrameHeader> header_;
    std::vector<uint8_t> body_;
    std::optional<Frame> ready_;
    std::string error_;
};

// A control body as JSON: an object, at most MAX_CONTROL_BODY bytes, or an
// error that says what was wrong.
Result<nlohmann::json> ParseControlBody(std::span<const uint8_t> body);
// Typed field access that never throws: nullopt when absent or mistyped.
std::optional<std::string> JsonString(const nlohmann::json& object, const char* key,
                                      std::size_t maxLen);
std::optional<uint64_t> JsonUint(const nlohmann::json& object, const char* key);
std::optional<bool> JsonBool(const nlohmann::json& object, const char* key);

// Big-endian helpers for the small binary bodies.
void PutU32(uint8_t* out, uint32_t value);
uint32_t GetU32(const uint8_t* in);
void PutU64(uint8_t* out, uint64_t value);
uint64_t GetU64(const uint8_t* in);

// Session server names: 1..64 of [A-Za-z0-9._-].
bool IsSessionName(std::string_view name);
// networkIds: 64 lowercase hex characters.
bool IsNetworkIdText(std::string_view id);

}  // namespace ipckit::softbus
