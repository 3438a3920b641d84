// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: softbusd's discovery payload decoder, which reads JSON
// from anyone on the LAN. Checked: it never throws or crashes; a refusal
// says "discovery payload: ..."; what it accepts has every field in range
// and equal to the input's JSON (parsed again here, plainly, as the model),
// re-encodes within MAX_DISCOVERY_PAYLOAD, decodes back to the same value,
// and re-encodes to the same bytes.
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "discovery/discovery_payload.h"
#include "fuzz_check.h"

using namespace ipckit::softbus;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto decoded = DecodeDiscoveryPayload({data, size});
    if (!decoded.ok()) {
        const std::string& m = decoded.error().message;
        CHECK(m.rfind("discovery payload: ", 0) == 0, "message '%s'", m.c_str());
        CHECK(decoded.error().code != 0, "no code for '%s'", m.c_str());
        return 0;
    }
    CHECK(size <= MAX_DISCOVERY_PAYLOAD, "accepted %zu bytes", size);
    const DiscoveryPayload& p = decoded.value();
    CHECK(IsValidNetworkId(p.networkId), "networkId '%s'", p.networkId.c_str());
    CHECK(IsValidDeviceName(p.name), "name '%s'", p.name.c_str());
    CHECK(p.sessionPort != 0, "port 0");

    // The model: the same JSON without the decoder's depth callback.
    auto doc = nlohmann::json::parse(data, data + size, nullptr, false);
    CHECK(doc.is_object(), "accepted a non-object");
    CHECK(doc["version"].is_number_unsigned() && doc["version"].get<uint64_t>() == 1, "version");
    CHECK(doc["type"] == "ipckit", "type");
    CHECK(doc["deviceId"] == p.networkId, "deviceId vs %s", p.networkId.c_str());
    CHECK(doc["devicename"] == p.name, "devicename vs %s", p.name.c_str());
    CHECK(doc["capabilityBitmap"].is_number_unsigned() &&
              doc["capabilityBitmap"].get<uint64_t>() == p.capabilities,
          "capabilityBitmap vs %u", p.capabilities);
    CHECK(doc["seq"].is_number_unsigned() && doc["seq"].get<uint64_t>() == p.seq, "seq");
    const std::string& service = doc["serviceData"].get_ref<const std::string&>();
    std::size_t digits = service.find_first_not_of('0', 5);
    CHECK(service.rfind("port:", 0) == 0 && digits != std::string::npos &&
              service.substr(digits) == std::to_string(p.sessionPort),
          "serviceData %s vs %u", service.c_str(), p.sessionPort);

    std::string json = EncodeDiscoveryPayload(p);
    CHECK(json.size() <= MAX_DISCOVERY_PAYLOAD, "encoded to %zu bytes", json.size());
    auto again = DecodeDiscoveryPayload(
        {reinterpret_cast<const uint8_t*>(json.data()), json.size()});
    CHECK(again.ok(), "re-decode of %s: %s", json.c_str(), again.error().message.c_str());
    CHECK(again.value() == p, "round trip changed %s", json.c_str());
    CHECK(EncodeDiscoveryPayload(again.value()) == json, "encoding not stable: %s", json.c_str());
    return 0;
}
