// SPDX-License-Identifier: Apache-2.0
//
// The one CoAP message discovery uses (RFC 7252 over UDP): a POST to
// /device_discover whose payload is the JSON of discovery_payload.h, with
// Content-Format application/json. libcoap is the codec: it encodes the
// options and parses what arrives; CoapDiscovery owns the socket.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ipckit/result.h"

namespace ipckit::softbus {

inline constexpr std::string_view DISCOVERY_URI_PATH = "device_discover";

// A NON-confirmable POST /device_discover carrying payload.
std::vector<uint8_t> EncodeDiscoveryMessage(std::span<const uint8_t> payload, uint16_t messageId,
                                            uint32_t token);

// The empty ACK that answers a confirmable request.
std::vector<uint8_t> EncodeEmptyAck(uint16_t messageId);

struct DiscoveryMessage {
    bool confirmable = false;  // CON: the sender waits for an ACK
    uint16_t messageId = 0;
    std::vector<uint8_t> payload;
};

// EINVAL with what is wrong: not CoAP, not a POST, another path, no payload.
Result<DiscoveryMessage> ParseDiscoveryMessage(std::span<const uint8_t> datagram);

}  // namespace ipckit::softbus
