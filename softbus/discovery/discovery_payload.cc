// SPDX-License-Identifier: Apache-2.0
//
// The discovery payload's JSON, both ways. The decoder sees bytes from
// anyone on the LAN: it parses without exceptions and checks each field.
#include "discovery/discovery_payload.h"

#include <cerrno>
#include <charconv>
#include <limits>

#include <nlohmann/json.hpp>

namespace ipckit::softbus {
namespace {

constexpr std::string_view kType = "ipckit";
constexpr std::string_view kPortPrefix = "port:";

Error Bad(std::string what, int code = EINVAL)
{
    return Error{code, "discovery payload: " + std::move(what)};
}

// One code point of strict UTF-8 (no overlongs, surrogates or values past
// U+10FFFF) at text[i]; advances i. -1 when the bytes are not UTF-8.
int32_t NextCodePoint(std::string_view text, std::size_t& i)
{
    auto b0 = static_cast<uint8_t>(text[i++]);
    if (b0 < 0x80)
        return b0;
    int extra;
    int32_t cp, min;
    if ((b0 & 0xe0) == 0xc0) {
        extra = 1, cp = b0 & 0x1f, min = 0x80;
    } else if ((b0 & 0xf0) == 0xe0) {
        extra = 2, cp = b0 & 0x0f, min = 0x800;
    } else if ((b0 & 0xf8) == 0xf0) {
        extra = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    for (int k = 0; k < extra; k++) {
        if (i == text.size())
            return -1;
        auto b = static_cast<uint8_t>(text[i++]);
        if ((b & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    return cp;
}

// Values nested inside the top-level object are dropped while parsing:
// every field we read is a scalar, so deeper input is only cost.
bool KeepShallow(int depth, nlohmann::json::parse_event_t event, nlohmann::json&)
{
    using E = nlohmann::json::parse_event_t;
    return !((event == E::object_start || event == E::array_start) && depth >= 1);
}

// "port:N" with N in 1..65535.
bool ParsePort(std::string_view text, uint16_t& port)
{
    if (text.substr(0, kPortPrefix.size()) != kPortPrefix)
        return false;
    std::string_view digits = text.substr(kPortPrefix.size());
    unsigned value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 10);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        value == 0 || value > 65535)
        return false;
    port = static_cast<uint16_t>(value);
    return true;
}

const nlohmann::json* Field(const nlohmann::json& doc, const char* key)
{
    auto it = doc.find(key);
    return it == doc.end() ? nullptr : &*it;
}

// An unsigned JSON integer no larger than max (floats and negatives fail).
bool GetUnsigned(const nlohmann::json* v, uint64_t max, uint64_t& out)
{
    if (!v || !v->is_number_unsigned())
        return false;
    out = v->get<uint64_t>();
    return out <= max;
}

}  // namespace

bool IsValidNetworkId(std::string_view id)
{
    if (id.size() != 64)
        return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

bool IsValidDeviceName(std::string_view name)
{
    if (name.empty() || name.size() > MAX_DISCOVERY_NAME)
        return false;
    for (std::size_t i = 0; i < name.size();) {
        int32_t cp = NextCodePoint(name, i);
        // C0 and C1 controls and DEL: a name ends up in logs and terminals.
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
            return false;
    }
    return true;
}

std::string EncodeDiscoveryPayload(const DiscoveryPayload& payload)
{
    nlohmann::ordered_json doc;
    doc["deviceId"] = payload.networkId;
    doc["devicename"] = payload.name;
    doc["type"] = std::string(kType);
    doc["capabilityBitmap"] = payload.capabilities;
    doc["serviceData"] = std::string(kPortPrefix) + std::to_string(payload.sessionPort);
    doc["seq"] = payload.seq;
    doc["version"] = DISCOVERY_VERSION;
    // replace: dump() would throw on a name that is not UTF-8.
    return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<DiscoveryPayload> DecodeDiscoveryPayload(std::span<const uint8_t> bytes)
{
    if (bytes.empty())
        return Bad("empty");
    if (bytes.size() > MAX_DISCOVERY_PAYLOAD)
        return Bad(std::to_string(bytes.size()) + " bytes is more than " +
                       std::to_string(MAX_DISCOVERY_PAYLOAD),
                   EMSGSIZE);
    nlohmann::json doc = nlohmann::json::parse(bytes.begin(), bytes.end(), KeepShallow,
                                               /*allow_exceptions=*/false);
    if (doc.is_discarded())
        return Bad("not valid JSON");
    if (!doc.is_object())
        return Bad("not a JSON object");

    DiscoveryPayload p;
    uint64_t n = 0;
    const nlohmann::json* v = Field(doc, "version");
    if (!GetUnsigned(v, std::numeric_limits<uint64_t>::max(), n))
        return Bad("version is missing or not an unsigned integer");
    if (n != DISCOVERY_VERSION)
        return Bad("version " + std::to_string(n) + " is not supported (want " +
                   std::to_string(DISCOVERY_VERSION) + ")");

    v = Field(doc, "type");
    if (!v || !v->is_string() || v->get_ref<const std::string&>() != kType)
        return Bad("type is not \"ipckit\"");

    v = Field(doc, "deviceId");
    if (!v || !v->is_string() || !IsValidNetworkId(v->get_ref<const std::string&>()))
        return Bad("deviceId is not 64 hex characters");
    p.networkId = v->get<std::string>();

    v = Field(doc, "devicename");
    if (!v || !v->is_string() || !IsValidDeviceName(v->get_ref<const std::string&>()))
        return Bad("devicename is not 1..64 bytes of printable UTF-8");
    p.name = v->get<std::string>();

    v = Field(doc, "serviceData");
    if (!v || !v->is_string() || !ParsePort(v->get_ref<const std::string&>(), p.sessionPort))
        return Bad("serviceData is not \"port:N\" with N in 1..65535");

    if (!GetUnsigned(Field(doc, "capabilityBitmap"), std::numeric_limits<uint32_t>::max(), n))
        return Bad("capabilityBitmap is not an unsigned 32-bit integer");
    p.capabilities = static_cast<uint32_t>(n);

    if (!GetUnsigned(Field(doc, "seq"), std::numeric_limits<uint64_t>::max(), p.seq))
        return Bad("seq is not an unsigned 64-bit integer");
    return p;
}

}  // namespace ipckit::softbus
