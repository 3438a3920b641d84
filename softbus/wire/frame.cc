// SPDX-License-Identifier: Apache-2.0
//
// The frame codec (frame.h). Everything here faces bytes from another
// device or process: every length is checked before it is used.
#include "wire/frame.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ipckit::softbus {

namespace {

struct TypeInfo {
    FrameType type;
    const char* name;
    std::size_t maxBody;
    bool link;
};

constexpr TypeInfo TYPES[] = {
    {FrameType::HELLO, "HELLO", MAX_CONTROL_BODY, true},
    {FrameType::PING, "PING", 8, true},
    {FrameType::PONG, "PONG", 8, true},
    {FrameType::GOODBYE, "GOODBYE", MAX_CONTROL_BODY, true},
    {FrameType::OPEN, "OPEN", MAX_CONTROL_BODY, true},
    {FrameType::OPEN_OK, "OPEN_OK", MAX_CONTROL_BODY, true},
    {FrameType::OPEN_FAIL, "OPEN_FAIL", MAX_CONTROL_BODY, true},
    {FrameType::DATA, "DATA", MAX_FRAME_BODY, true},
    {FrameType::CREDIT, "CREDIT", 4, true},
    {FrameType::CLOSE, "CLOSE", MAX_CONTROL_BODY, true},
    {FrameType::LISTEN, "LISTEN", MAX_CONTROL_BODY, false},
    {FrameType::UNLISTEN, "UNLISTEN", MAX_CONTROL_BODY, false},
    {FrameType::BIND, "BIND", MAX_CONTROL_BODY, false},
    {FrameType::SHUTDOWN, "SHUTDOWN", MAX_CONTROL_BODY, false},
    {FrameType::SUBSCRIBE, "SUBSCRIBE", MAX_CONTROL_BODY, false},
    {FrameType::RESULT, "RESULT", MAX_CONTROL_BODY, false},
    {FrameType::SESSION_OPENED, "SESSION_OPENED", MAX_CONTROL_BODY, false},
    {FrameType::SESSION_CLOSED, "SESSION_CLOSED", MAX_CONTROL_BODY, false},
    {FrameType::DEVICE_EVENT, "DEVICE_EVENT", MAX_CONTROL_BODY, false},
};

const TypeInfo* Find(uint8_t raw)
{
    for (const auto& info : TYPES)
        if (static_cast<uint8_t>(info.type) == raw)
            return &info;
    return nullptr;
}

}  // namespace

const char* ToString(FrameType type)
{
    const TypeInfo* info = Find(static_cast<uint8_t>(type));
    return info ? info->name : "UNKNOWN";
}

bool IsLinkFrame(FrameType type)
{
    const TypeInfo* info = Find(static_cast<uint8_t>(type));
    return info && info->link;
}

bool IsChannelFrame(FrameType type)
{
    const TypeInfo* info = Find(static_cast<uint8_t>(type));
    return info && !info->link;
}

void PutU32(uint8_t* out, uint32_t value)
{
    out[0] = static_cast<uint8_t>(value >> 24);
    out[1] = static_cast<uint8_t>(value >> 16);
    out[2] = static_cast<uint8_t>(value >> 8);
    out[3] = static_cast<uint8_t>(value);
}

uint32_t GetU32(const uint8_t* in)
{
    return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) | in[3];
}

void PutU64(uint8_t* out, uint64_t value)
{
    PutU32(out, static_cast<uint32_t>(value >> 32));
    PutU32(out + 4, static_cast<uint32_t>(value));
}

uint64_t GetU64(const uint8_t* in)
{
    return (uint64_t{GetU32(in)} << 32) | GetU32(in + 4);
}

void EncodeHeader(const FrameHeader& header, uint8_t out[FRAME_HEADER])
{
    PutU32(out, header.length);
    out[4] = static_cast<uint8_t>(header.type);
    out[5] = header.flags;
    out[6] = 0;
    out[7] = 0;
    PutU32(out + 8, header.channel);
}

Result<FrameHeader> DecodeHeader(const uint8_t in[FRAME_HEADER])
{
    FrameHeader header;
    header.length = GetU32(in);
    const TypeInfo* info = Find(in[4]);
    if (!info)
        return Error{EPROTO, "unknown frame type " + std::to_string(in[4])};
    header.type = info->type;
    header.flags = in[5];
    header.channel = GetU32(in + 8);
    if (in[6] || in[7])
        return Error{EPROTO, std::string(info->name) + " frame with reserved bits set"};
    if (header.length > info->maxBody)
        return Error{EMSGSIZE, std::string(info->name) + " frame of " +
                                   std::to_string(header.length) + " bytes (limit " +
                                   std::to_string(info->maxBody) + ")"};
    if (header.flags & ~(FLAG_FIRST | FLAG_LAST))
        return Error{EPROTO, std::string(info->name) + " frame with unknown flags"};
    if (header.flags && header.type != FrameType::DATA)
        return Error{EPROTO, std::string(info->name) + " frame with DATA flags"};
    if ((header.flags & FLAG_FIRST) && header.length < 4)
        return Error{EPROTO, "first DATA frame without the message length"};
    return header;
}

void AppendFrame(std::vector<uint8_t>& out, FrameType type, uint32_t channel,
                 std::span<const uint8_t> body, uint8_t flags)
{
    uint8_t head[FRAME_HEADER];
    EncodeHeader({static_cast<uint32_t>(body.size()), type, flags, channel}, head);
    out.insert(out.end(), head, head + FRAME_HEADER);
    out.insert(out.end(), body.begin(), body.end());
}

void AppendJsonFrame(std::vector<uint8_t>& out, FrameType type, uint32_t channel,
                     const nlohmann::json& body)
{
    // Replace invalid UTF-8 instead of throwing: names come from peers.
    std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    AppendFrame(out, type, channel,
                {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

std::size_t FrameDecoder::Wanted() const
{
    if (failed() || ready_)
        return 0;
    if (!header_)
        return FRAME_HEADER - headLen_;
    return header_->length - body_.size();
}

bool FrameDecoder::Feed(const uint8_t* data, std::size_t len, std::size_t* used)
{
    *used = 0;
    while (len && !failed() && !ready_) {
        if (!header_) {
            std::size_t take = std::min(len, FRAME_HEADER - headLen_);
            std::memcpy(head_ + headLen_, data, take);
            headLen_ += take;
            data += take;
            len -= take;
            *used += take;
            if (headLen_ < FRAME_HEADER)
                break;
            auto header = DecodeHeader(head_);
            if (!header) {
                error_ = header.error().message;
                return false;
            }
            header_ = header.value();
            headLen_ = 0;
            body_.clear();
            body_.reserve(header_->length);
        }
        std::size_t take = std::min<std::size_t>(len, header_->length - body_.size());
        body_.insert(body_.end(), data, data + take);
        data += take;
        len -= take;
        *used += take;
        if (body_.size() == header_->length) {
            ready_ = Frame{*header_, std::move(body_)};
            body_ = {};
            header_.reset();
        }
    }
    return !failed();
}

std::optional<Frame> FrameDecoder::Next()
{
    std::optional<Frame> out;
    out.swap(ready_);
    return out;
}

Result<nlohmann::json> ParseControlBody(std::span<const uint8_t> body)
{
    if (body.size() > MAX_CONTROL_BODY)
        return Error{EMSGSIZE, "control body of " + std::to_string(body.size()) + " bytes"};
    // Depth is bounded by the size; control bodies are shallow (an object
    // holding a device object at most), so refuse a fourth level of
    // containers before building it.
    bool deep = false;
    auto limit = [&](int d, nlohmann::json::parse_event_t event, nlohmann::json&) {
        if (event == nlohmann::json::parse_event_t::object_start ||
            event == nlohmann::json::parse_event_t::array_start)
            deep = deep || d > 2;
        return !deep;
    };
    nlohmann::json json = nlohmann::json::parse(body.begin(), body.end(), limit, false);
    if (deep)
        return Error{EPROTO, "control body nested too deep"};
    if (json.is_discarded())
        return Error{EPROTO, "control body is not valid JSON"};
    if (!json.is_object())
        return Error{EPROTO, "control body is not a JSON object"};
    return json;
}

std::optional<std::string> JsonString(const nlohmann::json& object, const char* key,
                                      std::size_t maxLen)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return std::nullopt;
    const auto& text = it->get_ref<const std::string&>();
    if (text.size() > maxLen)
        return std::nullopt;
    return text;
}

std::optional<uint64_t> JsonUint(const nlohmann::json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_number_unsigned())
        return std::nullopt;
    return it->get<uint64_t>();
}

std::optional<bool> JsonBool(const nlohmann::json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_boolean())
        return std::nullopt;
    return it->get<bool>();
}

bool IsSessionName(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

bool IsNetworkIdText(std::string_view id)
{
    return id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace ipckit::softbus
