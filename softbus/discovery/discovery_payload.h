// SPDX-License-Identifier: Apache-2.0
//
// What a device announces on the LAN: its network id, a name people read,
// the port of its TLS session listener, what it can do, and a counter. The
// wire form is DSoftBus-like JSON carried as the payload of a CoAP
// POST /device_discover:
//
//   {"deviceId": "<64 hex>", "devicename": "rk3568-a", "type": "ipckit",
//    "capabilityBitmap": 1, "serviceData": "port:5685", "seq": 7,
//    "version": 1}
//
// Anyone on the LAN can send these, so decoding checks every field and
// never throws; unknown fields are ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ipckit/result.h"

namespace ipckit::softbus {

struct DiscoveryPayload {
    std::string networkId;      // exactly 64 lowercase hex chars
    std::string name;           // 1..64 bytes, printable UTF-8, no control chars
    uint16_t sessionPort = 0;   // 1..65535: the TLS session port
    uint32_t capabilities = 0;  // bitmap
    uint64_t seq = 0;           // announcement counter

    bool operator==(const DiscoveryPayload&) const = default;
};

// The largest payload accepted (and sent): well inside one datagram.
inline constexpr std::size_t MAX_DISCOVERY_PAYLOAD = 1024;
inline constexpr std::size_t MAX_DISCOVERY_NAME = 64;
// "version" in the JSON: what this code speaks.
inline constexpr int DISCOVERY_VERSION = 1;

// The JSON above. Never throws: invalid UTF-8 in name is replaced (U+FFFD),
// which the decoder on the other side accepts.
std::string EncodeDiscoveryPayload(const DiscoveryPayload& payload);

// EINVAL (or EMSGSIZE when too long) with a message that names the field:
// "discovery payload: deviceId is not 64 hex characters".
Result<DiscoveryPayload> DecodeDiscoveryPayload(std::span<const uint8_t> bytes);

// The checks DecodeDiscoveryPayload applies to these fields, for callers
// that build a payload (softbusd validates its configured name with it).
bool IsValidNetworkId(std::string_view id);
bool IsValidDeviceName(std::string_view name);

}  // namespace ipckit::softbus
