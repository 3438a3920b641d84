// SPDX-License-Identifier: Apache-2.0
//
// CoAP encoding and parsing with libcoap's codec. The 4-byte header and the
// token are written here because libcoap 4.3.1 has no public call that
// hands back an encoded PDU; the options go through coap_opt_encode and
// everything received goes through coap_pdu_parse.
#include "discovery/coap_message.h"

#include <coap3/coap.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <string>

namespace ipckit::softbus {
namespace {

constexpr uint8_t kVersion = 1;

void StartCoap()
{
    static std::once_flag once;
    std::call_once(once, [] {
        coap_startup();
        // Our own lines say what was dropped and from whom; libcoap's
        // warnings about the same garbage would only repeat them.
        coap_set_log_level(LOG_ERR);
    });
}

struct PduDeleter {
    void operator()(coap_pdu_t* pdu) const { coap_delete_pdu(pdu); }
};
using PduPtr = std::unique_ptr<coap_pdu_t, PduDeleter>;

Error Bad(std::string what)
{
    return Error{EINVAL, std::move(what)};
}

}  // namespace

std::vector<uint8_t> EncodeDiscoveryMessage(std::span<const uint8_t> payload, uint16_t messageId,
                                            uint32_t token)
{
    StartCoap();
    std::vector<uint8_t> out = {
        static_cast<uint8_t>(kVersion << 6 | COAP_MESSAGE_NON << 4 | 4),  // TKL 4
        static_cast<uint8_t>(COAP_REQUEST_CODE_POST),
        static_cast<uint8_t>(messageId >> 8),
        static_cast<uint8_t>(messageId),
        static_cast<uint8_t>(token >> 24),
        static_cast<uint8_t>(token >> 16),
        static_cast<uint8_t>(token >> 8),
        static_cast<uint8_t>(token),
    };
    // Options in number order, each as a delta from the previous one.
    uint8_t format[4];
    unsigned formatLen =
        coap_encode_var_safe(format, sizeof(format), COAP_MEDIATYPE_APPLICATION_JSON);
    uint8_t opts[32];
    std::size_t used = coap_opt_encode(opts, sizeof(opts), COAP_OPTION_URI_PATH,
                                       reinterpret_cast<const uint8_t*>(DISCOVERY_URI_PATH.data()),
                                       DISCOVERY_URI_PATH.size());
    used += coap_opt_encode(opts + used, sizeof(opts) - used,
                            COAP_OPTION_CONTENT_FORMAT - COAP_OPTION_URI_PATH, format, formatLen);
    out.insert(out.end(), opts, opts + used);
    out.push_back(0xff);  // the payload marker
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

std::vector<uint8_t> EncodeEmptyAck(uint16_t messageId)
{
    return {static_cast<uint8_t>(kVersion << 6 | COAP_MESSAGE_ACK << 4), 0,
            static_cast<uint8_t>(messageId >> 8), static_cast<uint8_t>(messageId)};
}

Result<DiscoveryMessage> ParseDiscoveryMessage(std::span<const uint8_t> datagram)
{
    StartCoap();
    if (datagram.size() < 4)
        return Bad("not a CoAP message (" + std::to_string(datagram.size()) + " bytes)");
    PduPtr pdu(coap_pdu_init(COAP_MESSAGE_CON, COAP_EMPTY_CODE, 0, datagram.size()));
    if (!pdu)
        return Error{ENOMEM, "no memory for a CoAP PDU"};
    if (!coap_pdu_parse(COAP_PROTO_UDP, datagram.data(), datagram.size(), pdu.get()))
        return Bad("not a CoAP message");
    coap_pdu_type_t type = coap_pdu_get_type(pdu.get());
    if (type != COAP_MESSAGE_NON && type != COAP_MESSAGE_CON)
        return Bad("CoAP message is not a request (type " + std::to_string(type) + ")");
    coap_pdu_code_t code = coap_pdu_get_code(pdu.get());
    if (code != COAP_REQUEST_CODE_POST)
        return Bad("CoAP code " + std::to_string(code >> 5) + "." + std::to_string(code & 0x1f) +
                   " is not POST");

    std::string path;
    int segments = 0;
    coap_opt_iterator_t it;
    coap_option_iterator_init(pdu.get(), &it, COAP_OPT_ALL);
    while (coap_opt_t* opt = coap_option_next(&it)) {
        if (it.number != COAP_OPTION_URI_PATH)
            continue;
        segments++;
        path.assign(reinterpret_cast<const char*>(coap_opt_value(opt)), coap_opt_length(opt));
    }
    if (segments != 1 || path != DISCOVERY_URI_PATH)
        return Bad("CoAP POST is not to /" + std::string(DISCOVERY_URI_PATH));

    DiscoveryMessage msg;
    msg.confirmable = type == COAP_MESSAGE_CON;
    msg.messageId = static_cast<uint16_t>(coap_pdu_get_mid(pdu.get()));
    std::size_t len = 0;
    const uint8_t* data = nullptr;
    if (!coap_get_data(pdu.get(), &len, &data) || len == 0)
        return Bad("CoAP POST /" + std::string(DISCOVERY_URI_PATH) + " has no payload");
    msg.payload.assign(data, data + len);
    return msg;
}

}  // namespace ipckit::softbus
