// SPDX-License-Identifier: Apache-2.0
//
// Discovery on the host: the JSON payload both ways, the CoAP message, and
// two CoapDiscovery instances talking over loopback (127.0.0.1 only).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <coap3/coap.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "discovery/coap_discovery.h"
#include "discovery/coap_message.h"
#include "discovery/discovery_payload.h"
#include "ipckit/unique_fd.h"

namespace ipckit::softbus {
namespace {

std::span<const uint8_t> Bytes(const std::string& s)
{
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

DiscoveryPayload Sample(char digit = 'a', uint64_t seq = 7)
{
    DiscoveryPayload p;
    p.networkId = std::string(64, digit);
    p.name = "rk3568-é";
    p.sessionPort = 5685;
    p.capabilities = 0x80000001u;
    p.seq = seq;
    return p;
}

const std::string kValid =
    R"({"deviceId":")" + std::string(64, '0') +
    R"(","devicename":"dev","type":"ipckit","capabilityBitmap":1,)"
    R"("serviceData":"port:5685","seq":3,"version":1})";

// kValid with one field's value replaced (or the field removed when value is empty).
std::string With(const std::string& field, const std::string& value)
{
    nlohmann::json doc = nlohmann::json::parse(kValid);
    if (value.empty())
        doc.erase(field);
    else
        doc[field] = nlohmann::json::parse(value);
    return doc.dump();
}

TEST(DiscoveryPayload, RoundTrip)
{
    DiscoveryPayload p = Sample();
    std::string json = EncodeDiscoveryPayload(p);
    auto back = DecodeDiscoveryPayload(Bytes(json));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back.value(), p);
    // The DSoftBus-like shape.
    auto doc = nlohmann::json::parse(json);
    EXPECT_EQ(doc["type"], "ipckit");
    EXPECT_EQ(doc["serviceData"], "port:5685");
    EXPECT_EQ(doc["version"], 1);

    p.seq = UINT64_MAX;
    p.capabilities = 0;
    p.sessionPort = 65535;
    p.name = std::string(MAX_DISCOVERY_NAME, 'x');
    auto edge = DecodeDiscoveryPayload(Bytes(EncodeDiscoveryPayload(p)));
    ASSERT_TRUE(edge.ok()) << edge.error().message;
    EXPECT_EQ(edge.value(), p);
}

TEST(DiscoveryPayload, UnknownFieldsAndNestingIgnored)
{
    std::string json = kValid;
    json.insert(1, R"("extra":{"a":[1,[2,{"b":3}]]},"more":[[[[]]]],)");
    auto p = DecodeDiscoveryPayload(Bytes(json));
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->seq, 3u);
}

TEST(DiscoveryPayload, EachBadFieldNamed)
{
    const std::string hex64 = std::string(64, 'a');
    // {field, value}; an empty value removes the field.
    const std::vector<std::pair<std::string, std::string>> all = {
        {"deviceId", ""},
        {"deviceId", "1"},
        {"deviceId", R"("abc")"},
        {"deviceId", "\"" + std::string(64, 'A') + "\""},
        {"deviceId", "\"" + hex64.substr(1) + "g\""},
        {"deviceId", "\"" + hex64 + "a\""},
        {"devicename", ""},
        {"devicename", R"("")"},
        {"devicename", "\"" + std::string(65, 'n') + "\""},
        {"devicename", R"("a\u0001b")"},
        {"devicename", R"("a\nb")"},
        {"devicename", R"("a\u007fb")"},
        {"devicename", R"("a\u0085b")"},
        {"devicename", "{}"},
        {"type", ""},
        {"type", R"("dsoftbus")"},
        {"type", "1"},
        {"capabilityBitmap", ""},
        {"capabilityBitmap", "-1"},
        {"capabilityBitmap", "4294967296"},
        {"capabilityBitmap", "1.5"},
        {"capabilityBitmap", R"("1")"},
        {"serviceData", ""},
        {"serviceData", R"("port:0")"},
        {"serviceData", R"("port:65536")"},
        {"serviceData", R"("port:")"},
        {"serviceData", R"("port:12x")"},
        {"serviceData", R"("port: 12")"},
        {"serviceData", R"("5685")"},
        {"serviceData", "5685"},
        {"seq", ""},
        {"seq", "-3"},
        {"seq", "18446744073709551616"},
        {"seq", "true"},
        {"version", ""},
        {"version", "2"},
        {"version", "0"},
        {"version", R"("1")"},
    };
    for (const auto& [field, value] : all) {
        std::string json = With(field, value);
        auto r = DecodeDiscoveryPayload(Bytes(json));
        ASSERT_FALSE(r.ok()) << json;
        EXPECT_EQ(r.error().code, EINVAL);
        EXPECT_NE(r.error().message.find(field), std::string::npos)
            << field << "=" << value << ": " << r.error().message;
        EXPECT_EQ(r.error().message.rfind("discovery payload: ", 0), 0u) << r.error().message;
    }
}

TEST(DiscoveryPayload, InvalidUtf8NameRejected)
{
    std::string json = kValid;
    json.replace(json.find("dev\""), 3, "d\xc3(");
    EXPECT_FALSE(DecodeDiscoveryPayload(Bytes(json)).ok());
    // The encoder replaces it rather than throwing.
    DiscoveryPayload p = Sample();
    p.name = "bad\xff";
    std::string out;
    EXPECT_NO_THROW(out = EncodeDiscoveryPayload(p));
    auto back = DecodeDiscoveryPayload(Bytes(out));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->name, "bad\xef\xbf\xbd");
}

TEST(DiscoveryPayload, OversizeRejected)
{
    std::string json = kValid;
    json.insert(1, "\"pad\":\"" + std::string(MAX_DISCOVERY_PAYLOAD, 'p') + "\",");
    auto r = DecodeDiscoveryPayload(Bytes(json));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, EMSGSIZE);
    EXPECT_FALSE(DecodeDiscoveryPayload({}).ok());
}

TEST(DiscoveryPayload, GarbageNeverThrows)
{
    const std::string samples[] = {
        "", "{", "}", "null", "[]", "[" + kValid + "]", "\"x\"", "1e999", "{\"deviceId\":",
        std::string(1000, '['), std::string(500, '{'), kValid + "x", kValid.substr(0, 40),
        std::string("\0\0\0\0", 4),
    };
    for (const std::string& s : samples)
        EXPECT_NO_THROW({ EXPECT_FALSE(DecodeDiscoveryPayload(Bytes(s)).ok()) << s; });
    std::mt19937 rng(1);
    for (int i = 0; i < 2000; i++) {
        std::string s = kValid;
        for (int k = 0; k < 1 + i % 4; k++)
            s[rng() % s.size()] = static_cast<char>(rng());
        EXPECT_NO_THROW((void)DecodeDiscoveryPayload(Bytes(s)));
    }
}

TEST(CoapMessage, LibcoapParsesWhatWeSend)
{
    std::string json = EncodeDiscoveryPayload(Sample());
    std::vector<uint8_t> msg = EncodeDiscoveryMessage(Bytes(json), 0x1234, 0xdeadbeef);

    // Straight through libcoap's parser, field by field.
    coap_pdu_t* pdu = coap_pdu_init(COAP_MESSAGE_CON, COAP_EMPTY_CODE, 0, msg.size());
    ASSERT_NE(pdu, nullptr);
    ASSERT_EQ(coap_pdu_parse(COAP_PROTO_UDP, msg.data(), msg.size(), pdu), 1);
    EXPECT_EQ(coap_pdu_get_type(pdu), COAP_MESSAGE_NON);
    EXPECT_EQ(coap_pdu_get_code(pdu), COAP_REQUEST_CODE_POST);
    EXPECT_EQ(coap_pdu_get_mid(pdu), 0x1234);
    coap_bin_const_t token = coap_pdu_get_token(pdu);
    EXPECT_EQ(token.length, 4u);
    coap_opt_iterator_t it;
    coap_opt_t* format = coap_check_option(pdu, COAP_OPTION_CONTENT_FORMAT, &it);
    ASSERT_NE(format, nullptr);
    EXPECT_EQ(coap_decode_var_bytes(coap_opt_value(format), coap_opt_length(format)),
              COAP_MEDIATYPE_APPLICATION_JSON);
    coap_delete_pdu(pdu);

    auto parsed = ParseDiscoveryMessage(msg);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_FALSE(parsed->confirmable);
    EXPECT_EQ(parsed->messageId, 0x1234);
    EXPECT_EQ(std::string(parsed->payload.begin(), parsed->payload.end()), json);
}

TEST(CoapMessage, OthersRefused)
{
    std::string json = EncodeDiscoveryPayload(Sample());
    std::vector<uint8_t> good = EncodeDiscoveryMessage(Bytes(json), 1, 2);
    auto expectBad = [](std::vector<uint8_t> m, const char* what) {
        auto r = ParseDiscoveryMessage(m);
        ASSERT_FALSE(r.ok()) << what;
        EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
    };
    expectBad({}, "not a CoAP message");
    expectBad({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "not a CoAP message");
    std::vector<uint8_t> m = good;
    m[1] = COAP_REQUEST_CODE_GET;
    expectBad(m, "not POST");
    m = good;
    m[0] = static_cast<uint8_t>((m[0] & 0xcf) | COAP_MESSAGE_ACK << 4);
    expectBad(m, "not a request");
    m = good;
    m[9 + 4] = 'X';  // the path's first byte: after header, token, option header
    expectBad(m, "/device_discover");
    m.assign(good.begin(), good.end() - json.size() - 1);  // no payload marker, no payload
    expectBad(m, "no payload");
}

// --- Two instances on loopback --------------------------------------------

uint16_t FreeUdpPort()
{
    UniqueFd s(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(s.get(), reinterpret_cast<sockaddr*>(&sin), sizeof(sin)), 0);
    socklen_t len = sizeof(sin);
    getsockname(s.get(), reinterpret_cast<sockaddr*>(&sin), &len);
    return ntohs(sin.sin_port);
}

void SendRaw(uint16_t port, std::span<const uint8_t> bytes, UniqueFd* keep = nullptr)
{
    UniqueFd s(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(port);
    ASSERT_EQ(sendto(s.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&sin),
                     sizeof(sin)),
              static_cast<ssize_t>(bytes.size()));
    if (keep)
        *keep = std::move(s);
}

struct Heard {
    DiscoveryPayload payload;
    std::string address;
};

struct Node {
    uint16_t port = FreeUdpPort();
    std::vector<Heard> heard;
    std::unique_ptr<CoapDiscovery> d;

    void Start(const std::string& id, std::vector<std::string> targets, std::string iface = "")
    {
        CoapDiscovery::Options o;
        o.port = port;
        o.bindAddress = "127.0.0.1";
        o.targets = std::move(targets);
        o.iface = std::move(iface);
        auto r = CoapDiscovery::Create(o, id, [this](const DiscoveryPayload& p, const std::string& a) {
            heard.push_back({p, a});
        });
        ASSERT_TRUE(r.ok()) << r.error().message;
        d = std::move(r.value());
    }
};

std::string Target(const Node& n)
{
    return "127.0.0.1:" + std::to_string(n.port);
}

// Polls and processes the nodes until done() or 5 s.
template <typename Done>
bool PollUntil(std::vector<Node*> nodes, Done done)
{
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::vector<pollfd> fds;
        for (Node* n : nodes)
            fds.push_back({n->d->fd(), POLLIN, 0});
        poll(fds.data(), fds.size(), 50);
        for (Node* n : nodes)
            n->d->Process();
    }
    return true;
}

TEST(CoapDiscovery, TwoInstancesHearEachOther)
{
    Node a, b;
    DiscoveryPayload pa = Sample('a', 1), pb = Sample('b', 1);
    // Each also targets itself: its own echo must be skipped.
    a.Start(pa.networkId, {Target(b), Target(a)});
    b.Start(pb.networkId, {Target(a), Target(b)});
    a.d->Publish(pa);
    b.d->Publish(pb);
    ASSERT_TRUE(PollUntil({&a, &b}, [&] { return !a.heard.empty() && !b.heard.empty(); }));
    // One more round trip lets any stray echo arrive before we count.
    a.d->Publish(pa);
    ASSERT_TRUE(PollUntil({&a, &b}, [&] { return b.heard.size() == 2; }));
    ASSERT_EQ(a.heard.size(), 1u);
    EXPECT_EQ(a.heard[0].payload, pb);
    EXPECT_EQ(a.heard[0].address, "127.0.0.1");
    EXPECT_EQ(b.heard[0].payload, pa);
    EXPECT_EQ(b.heard[0].address, "127.0.0.1");

    // A unicast reply to the address as heard reaches the port it came from.
    DiscoveryPayload reply = Sample('b', 42);
    b.d->PublishTo(reply, b.heard[0].address);
    ASSERT_TRUE(PollUntil({&a, &b}, [&] { return a.heard.size() == 2; }));
    EXPECT_EQ(a.heard[1].payload.seq, 42u);
    // And with an explicit port.
    a.d->PublishTo(Sample('a', 43), Target(b));
    ASSERT_TRUE(PollUntil({&a, &b}, [&] { return b.heard.size() == 3; }));
    EXPECT_EQ(b.heard[2].payload.seq, 43u);
    EXPECT_EQ(a.d->garbageCount(), 0u);
    EXPECT_EQ(b.d->garbageCount(), 0u);
}

TEST(CoapDiscovery, GarbageCountedAndSurvived)
{
    Node a, b;
    a.Start(std::string(64, 'a'), {Target(b)});
    b.Start(std::string(64, 'b'), {Target(a)});

    std::string junk = "hello, this is not CoAP";
    SendRaw(b.port, Bytes(junk));
    SendRaw(b.port, Bytes("\x01"));
    std::string badJson = "{\"deviceId\": 12";
    SendRaw(b.port, EncodeDiscoveryMessage(Bytes(badJson), 9, 9));
    std::string badField = With("serviceData", R"("port:0")");
    SendRaw(b.port, EncodeDiscoveryMessage(Bytes(badField), 10, 10));
    std::vector<uint8_t> huge(3000, 0x50);
    SendRaw(b.port, huge);
    ASSERT_TRUE(PollUntil({&b}, [&] { return b.d->garbageCount() == 5; }));

    a.d->Publish(Sample('a'));
    ASSERT_TRUE(PollUntil({&a, &b}, [&] { return b.heard.size() == 1; }));
    EXPECT_EQ(b.d->garbageCount(), 5u);
    EXPECT_TRUE(b.heard[0].payload == Sample('a'));
}

TEST(CoapDiscovery, ConfirmableGetsEmptyAck)
{
    Node b;
    b.Start(std::string(64, 'b'), {"127.0.0.1:9"});
    std::string json = EncodeDiscoveryPayload(Sample('c'));
    std::vector<uint8_t> con = EncodeDiscoveryMessage(Bytes(json), 0x4242, 1);
    con[0] = static_cast<uint8_t>((con[0] & 0xcf) | COAP_MESSAGE_CON << 4);
    UniqueFd peer;
    SendRaw(b.port, con, &peer);
    ASSERT_TRUE(PollUntil({&b}, [&] { return b.heard.size() == 1; }));
    uint8_t ack[16];
    pollfd pfd{peer.get(), POLLIN, 0};
    ASSERT_EQ(poll(&pfd, 1, 5000), 1);
    ASSERT_EQ(recv(peer.get(), ack, sizeof(ack), 0), 4);
    EXPECT_EQ(ack[0], 0x60);  // version 1, ACK, no token
    EXPECT_EQ(ack[1], 0);     // empty
    EXPECT_EQ(ack[2], 0x42);
    EXPECT_EQ(ack[3], 0x42);
}

TEST(CoapDiscovery, InterfaceSetSendsThroughIt)
{
    // IPv4 with an interface goes out with IP_PKTINFO; lo is the one the
    // test may use.
    Node a, b;
    a.Start(std::string(64, 'a'), {Target(b)}, "lo");
    b.Start(std::string(64, 'b'), {Target(a)});
    a.d->Publish(Sample('a'));
    ASSERT_TRUE(PollUntil({&a, &b}, [&] { return b.heard.size() == 1; }));
}

TEST(CoapDiscovery, CreateRefusesBadOptions)
{
    auto create = [](CoapDiscovery::Options o) {
        return CoapDiscovery::Create(o, "", [](const DiscoveryPayload&, const std::string&) {});
    };
    CoapDiscovery::Options o;
    o.bindAddress = "127.0.0.1";
    o.port = FreeUdpPort();
    o.targets = {"not-an-address:5684"};
    EXPECT_FALSE(create(o).ok());
    o.targets = {"[::1]:5684"};  // IPv6 on an IPv4 socket
    EXPECT_FALSE(create(o).ok());
    o.targets = {"127.0.0.1:0"};
    EXPECT_FALSE(create(o).ok());
    o.targets = {"[ff02::1%no-such-if0]:5684"};
    EXPECT_FALSE(create(o).ok());
    o.targets = {"127.0.0.1:70000"};
    EXPECT_FALSE(create(o).ok());
    o.targets = {};
    o.iface = "no-such-if0";
    EXPECT_FALSE(create(o).ok());
    o.iface = "";
    o.bindAddress = "127.0.0.1:5";
    EXPECT_FALSE(create(o).ok());

    o.bindAddress = "127.0.0.1";
    o.targets = {Target(Node{})};
    auto first = create(o);
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = create(o);  // the port is taken
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, EADDRINUSE);
}

}  // namespace
}  // namespace ipckit::softbus
