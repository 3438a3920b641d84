// SPDX-License-Identifier: Apache-2.0
//
// softbusd's core on the host: two (or three) Daemons in this process on
// 127.0.0.1, each with its own state directory, ports and loop thread,
// and SoftBus clients built on their channels (no binder needed). They
// discover each other by unicast CoAP, link over TLS and carry sessions.
// Loopback only.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include <ipckit/message_option.h>

#include "daemon/daemon.h"
#include "daemon/service.h"
#include "link/group_secret.h"
#include "link/tls_link.h"
#include "softbus_client.h"
#include "wire/service.h"

namespace ipckit::softbus {
namespace {

using namespace std::chrono_literals;

uint16_t FreePort(int type)
{
    int fd = ::socket(AF_INET, type, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// softbusd ignores SIGPIPE (TLS writes with write(2)); so does this
// process, which runs daemons inside.
[[maybe_unused]] const bool ignoreSigpipe = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

const char* SECRET = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const char* OTHER_SECRET = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

// One softbusd: its own state, ports and loop thread.
struct Node {
    std::string dir;
    uint16_t discoveryPort = 0;
    std::unique_ptr<Daemon> daemon;
    sptr<SoftBusService> service;
    std::thread loop;

    Node(const std::string& name, const char* secret, std::size_t maxSessions = 64)
    {
        char tmpl[] = "/tmp/softbusd-test-XXXXXX";
        dir = ::mkdtemp(tmpl);
        auto imported = ImportGroupSecret(dir + "/group.key", secret);
        EXPECT_TRUE(imported.ok()) << imported.error().message;
        discoveryPort = FreePort(SOCK_DGRAM);
        options.stateDir = dir;
        options.name = name;
        options.port = 0;
        options.discoveryPort = discoveryPort;
        options.bindAddress = "127.0.0.1";
        options.announceMs = 200;
        options.ttlMs = 2000;
        options.keepaliveMs = 200;
        options.keepaliveTimeoutMs = 1500;
        options.maxSessions = maxSessions;
    }
    DaemonOptions options;

    void Start(std::vector<uint16_t> peers)
    {
        for (uint16_t p : peers)
            options.discoveryTargets.push_back("127.0.0.1:" + std::to_string(p));
        daemon = std::make_unique<Daemon>(options);
        auto started = daemon->Start();
        ASSERT_TRUE(started.ok()) << started.error().message;
        service = MakeSptr<SoftBusService>(*daemon);
        loop = std::thread([this] { daemon->Run(); });
    }

    void Stop()
    {
        if (!daemon)
            return;
        daemon->Stop();
        loop.join();
        daemon.reset();
    }

    ~Node()
    {
        Stop();
        std::filesystem::remove_all(dir);
    }

    std::string id() const { return daemon->identity().networkId; }

    std::shared_ptr<SoftBus> Client(uid_t uid = ::getuid())
    {
        auto channel = daemon->OpenChannel(::getpid(), uid);
        EXPECT_TRUE(channel.ok());
        sptr<SoftBusService> svc = service;
        auto query = [svc](uint32_t code, MessageParcel& reply) {
            MessageParcel data;
            MessageOption option;
            data.WriteInterfaceToken(SERVICE_DESCRIPTOR);
            return svc->OnRemoteRequest(code, data, reply, option);
        };
        return MakeSoftBusClient(query, std::move(channel.value()));
    }
};

// Records what a session listener hears.
struct Recorder : SessionListener {
    std::mutex lock;
    std::condition_variable cv;
    std::vector<std::vector<uint8_t>> messages;
    std::vector<SessionInfo> opened;
    std::vector<std::pair<SessionId, ShutdownReason>> closed;
    std::shared_ptr<SoftBus> echoOn;  // echo every message back when set
    std::atomic<bool> block{false};   // a slow receiver

    void OnSessionOpened(const SessionInfo& info) override
    {
        std::lock_guard<std::mutex> g(lock);
        opened.push_back(info);
        cv.notify_all();
    }
    void OnBytesReceived(SessionId id, std::span<const uint8_t> data) override
    {
        while (block)
            std::this_thread::sleep_for(10ms);
        if (echoOn) {
            auto sent = echoOn->Send(id, data);
            EXPECT_TRUE(sent.ok()) << sent.error().message;
        }
        std::lock_guard<std::mutex> g(lock);
        messages.emplace_back(data.begin(), data.end());
        cv.notify_all();
    }
    void OnSessionClosed(SessionId id, ShutdownReason reason) override
    {
        std::lock_guard<std::mutex> g(lock);
        closed.emplace_back(id, reason);
        cv.notify_all();
    }
    template <typename Pred>
    bool WaitFor(Pred pred, std::chrono::milliseconds timeout = 20s)
    {
        std::unique_lock<std::mutex> g(lock);
        return cv.wait_for(g, timeout, pred);
    }
};

bool WaitTrusted(SoftBus& bus, const std::string& id, std::chrono::milliseconds timeout = 20s)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto devices = bus.GetOnlineDevices();
        if (devices.ok())
            for (auto& d : devices.value())
                if (d.networkId == id && d.state == "connected")
                    return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::vector<uint8_t> Pattern(std::size_t size, uint32_t seed)
{
    std::vector<uint8_t> v(size);
    std::mt19937 rng(seed);
    for (auto& b : v)
        b = static_cast<uint8_t>(rng());
    return v;
}

class SoftBusPair : public ::testing::Test {
protected:
    void SetUp() override
    {
        a = std::make_unique<Node>("device-a", SECRET, 4);
        b = std::make_unique<Node>("device-b", SECRET);
        a->Start({b->discoveryPort});
        b->Start({a->discoveryPort});
        busA = a->Client();
        busB = b->Client();
        ASSERT_TRUE(busA && busB);
        ASSERT_TRUE(WaitTrusted(*busA, b->id())) << "A never linked to B";
        ASSERT_TRUE(WaitTrusted(*busB, a->id())) << "B never linked to A";
        echo = std::make_shared<Recorder>();
        echo->echoOn = busB;
        ASSERT_TRUE(busB->Listen("echo", echo).ok());
    }
    void TearDown() override
    {
        busA.reset();
        busB.reset();
        if (echo)
            echo->echoOn.reset();
        a.reset();
        b.reset();
    }
    std::unique_ptr<Node> a, b;
    std::shared_ptr<SoftBus> busA, busB;
    std::shared_ptr<Recorder> echo;
};

TEST_F(SoftBusPair, DevicesSeeEachOtherTrustedWithRtt)
{
    auto local = busA->GetLocalDevice();
    ASSERT_TRUE(local.ok());
    EXPECT_EQ(local->networkId, a->id());
    EXPECT_EQ(local->name, "device-a");
    auto devices = busA->GetDevices();
    ASSERT_TRUE(devices.ok());
    ASSERT_EQ(devices->size(), 1u);
    EXPECT_EQ(devices->at(0).name, "device-b");
    EXPECT_EQ(devices->at(0).address, "127.0.0.1");
    EXPECT_TRUE(devices->at(0).trusted);
    EXPECT_TRUE(devices->at(0).online);
}

TEST_F(SoftBusPair, EchoIsByteExactAtEverySize)
{
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(sid.ok()) << sid.error().message;
    ASSERT_TRUE(echo->WaitFor([&] { return echo->opened.size() == 1; }));
    EXPECT_EQ(echo->opened[0].peerNetworkId, a->id());
    EXPECT_TRUE(echo->opened[0].server);
    std::vector<std::size_t> sizes = {0, 1, 64 * 1024, 1 << 20, 4 << 20};
    for (std::size_t i = 0; i < sizes.size(); i++) {
        auto data = Pattern(sizes[i], static_cast<uint32_t>(i));
        auto sent = busA->Send(*sid, data);
        ASSERT_TRUE(sent.ok()) << sent.error().message;
        ASSERT_TRUE(mine->WaitFor([&] { return mine->messages.size() == i + 1; }, 60s))
            << "no echo of " << sizes[i] << " bytes";
        EXPECT_TRUE(mine->messages[i] == data) << sizes[i] << " bytes came back different";
    }
}

TEST_F(SoftBusPair, TooBigIsRefusedBeforeSending)
{
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(sid.ok());
    std::vector<uint8_t> big(MAX_MESSAGE_BYTES + 1);
    auto sent = busA->Send(*sid, big);
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, SOFTBUS_ERR_TOO_BIG);
    // The session still works.
    uint8_t one = 7;
    ASSERT_TRUE(busA->Send(*sid, {&one, 1}).ok());
    EXPECT_TRUE(mine->WaitFor([&] { return mine->messages.size() == 1; }));
}

TEST_F(SoftBusPair, ThousandMessagesArriveInOrder)
{
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(sid.ok());
    for (uint32_t i = 0; i < 1000; i++) {
        std::vector<uint8_t> msg(4 + (i * 37) % 3000);
        PutU32(msg.data(), i);
        ASSERT_TRUE(busA->Send(*sid, msg).ok());
    }
    ASSERT_TRUE(mine->WaitFor([&] { return mine->messages.size() == 1000; }, 60s));
    for (uint32_t i = 0; i < 1000; i++) {
        ASSERT_EQ(mine->messages[i].size(), 4 + (i * 37) % 3000);
        ASSERT_EQ(GetU32(mine->messages[i].data()), i);
    }
}

TEST_F(SoftBusPair, NoServerAndBadNamesAreClearErrors)
{
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "nobody", mine);
    ASSERT_FALSE(sid.ok());
    EXPECT_EQ(sid.error().code, SOFTBUS_ERR_NO_SERVER);
    EXPECT_NE(sid.error().message.find("no session server 'nobody'"), std::string::npos)
        << sid.error().message;
    auto bad = busA->Bind(b->id(), "bad name!", mine);
    EXPECT_EQ(bad.error().code, SOFTBUS_ERR_BAD_NAME);
    auto unknown = busA->Bind(std::string(64, 'a'), "echo", mine);
    EXPECT_EQ(unknown.error().code, SOFTBUS_ERR_NO_DEVICE);
    auto twice = busB->Listen("echo", mine);
    EXPECT_EQ(twice.error().code, SOFTBUS_ERR_EXISTS);
}

TEST_F(SoftBusPair, ReservedNamesAreRootsOnly)
{
    auto user = a->Client(1000);
    auto listener = std::make_shared<Recorder>();
    auto refused = user->Listen("ipckit.rpc", listener);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, SOFTBUS_ERR_RESERVED);
    EXPECT_NE(refused.error().message.find("root"), std::string::npos) << refused.error().message;
    EXPECT_TRUE(user->Listen("myapp.rpc", listener).ok());
    auto root = a->Client(0);
    EXPECT_TRUE(root->Listen("ipckit.rpc", listener).ok());
}

TEST_F(SoftBusPair, SessionQuotaRefusesWithAClearError)
{
    // A runs with --max-sessions 4.
    auto mine = std::make_shared<Recorder>();
    std::vector<SessionId> ids;
    for (int i = 0; i < 4; i++) {
        auto sid = busA->Bind(b->id(), "echo", mine);
        ASSERT_TRUE(sid.ok()) << sid.error().message;
        ids.push_back(*sid);
    }
    auto fifth = busA->Bind(b->id(), "echo", mine);
    ASSERT_FALSE(fifth.ok());
    EXPECT_EQ(fifth.error().code, SOFTBUS_ERR_QUOTA);
    EXPECT_NE(fifth.error().message.find("limit 4"), std::string::npos) << fifth.error().message;
    // Closing one makes room again.
    ASSERT_TRUE(busA->Shutdown(ids[0]).ok());
    auto again = busA->Bind(b->id(), "echo", mine);
    EXPECT_TRUE(again.ok()) << again.error().message;
    // B heard PeerClosed for the one A shut down.
    EXPECT_TRUE(echo->WaitFor([&] {
        for (auto& [id, reason] : echo->closed)
            if (reason == ShutdownReason::PeerClosed)
                return true;
        return false;
    }));
}

TEST_F(SoftBusPair, SlowReceiverBackPressuresTheSender)
{
    auto slow = std::make_shared<Recorder>();
    slow->block = true;
    ASSERT_TRUE(busB->Listen("slow", slow).ok());
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "slow", mine);
    ASSERT_TRUE(sid.ok());
    std::atomic<int> sent{0};
    const int total = 32;  // 32 MiB: far beyond every window and buffer
    std::thread sender([&] {
        auto data = Pattern(1 << 20, 1);
        for (int i = 0; i < total; i++) {
            if (!busA->Send(*sid, data).ok())
                return;
            sent++;
        }
    });
    // Wait until the sender stops making progress.
    int last = -1;
    for (int i = 0; i < 100 && sent != last; i++) {
        last = sent;
        std::this_thread::sleep_for(500ms);
    }
    EXPECT_LT(sent.load(), total) << "the sender was never held back";
    slow->block = false;
    sender.join();
    EXPECT_EQ(sent.load(), total);
    EXPECT_TRUE(slow->WaitFor([&] { return slow->messages.size() == total; }, 120s));
}

// B's process may have 64 KiB queued towards it (the minimum quota):
// two senders to one slow process stall, and both finish once it reads
// again (grants held back for the quota go out when it drains).
TEST(SoftBusQuota, PendingBytesQuotaHoldsSendersAndReleasesThem)
{
    Node a("device-a", SECRET), b("device-b", SECRET);
    b.options.maxPendingBytes = 65536;
    a.Start({b.discoveryPort});
    b.Start({a.discoveryPort});
    auto busA = a.Client();
    auto busB = b.Client();
    ASSERT_TRUE(WaitTrusted(*busA, b.id()));
    auto slow = std::make_shared<Recorder>();
    slow->block = true;
    ASSERT_TRUE(busB->Listen("slow", slow).ok());
    auto mine = std::make_shared<Recorder>();
    auto s1 = busA->Bind(b.id(), "slow", mine);
    auto s2 = busA->Bind(b.id(), "slow", mine);
    ASSERT_TRUE(s1.ok() && s2.ok());
    const int each = 12;  // 2 x 12 MiB
    std::atomic<int> sent{0};
    auto send = [&](SessionId sid) {
        auto data = Pattern(1 << 20, 3);
        for (int i = 0; i < each; i++)
            if (busA->Send(sid, data).ok())
                sent++;
    };
    std::thread t1(send, *s1), t2(send, *s2);
    int last = -1;
    for (int i = 0; i < 100 && sent != last; i++) {
        last = sent;
        std::this_thread::sleep_for(500ms);
    }
    EXPECT_LT(sent.load(), 2 * each) << "the quota never held the senders back";
    slow->block = false;
    t1.join();
    t2.join();
    EXPECT_EQ(sent.load(), 2 * each);
    EXPECT_TRUE(slow->WaitFor([&] { return slow->messages.size() == 2 * each; }, 120s));
    slow->echoOn.reset();
}

// Eight sessions into one process that reads nothing: softbusd holds
// what their windows allowed, and the windows shrink with the quota, so
// the total stays near --max-pending-bytes (64 KiB here) instead of
// eight full windows.
TEST(SoftBusQuota, WindowsShrinkWithThePendingQuota)
{
    Node a("device-a", SECRET), b("device-b", SECRET);
    b.options.maxPendingBytes = 65536;
    a.Start({b.discoveryPort});
    b.Start({a.discoveryPort});
    auto busA = a.Client();
    auto busB = b.Client();
    ASSERT_TRUE(WaitTrusted(*busA, b.id()));
    auto slow = std::make_shared<Recorder>();
    slow->block = true;
    ASSERT_TRUE(busB->Listen("slow", slow).ok());
    auto mine = std::make_shared<Recorder>();
    std::vector<std::thread> senders;
    std::vector<SessionId> ids;
    for (int i = 0; i < 8; i++) {
        auto sid = busA->Bind(b.id(), "slow", mine);
        ASSERT_TRUE(sid.ok()) << sid.error().message;
        ids.push_back(*sid);
    }
    for (SessionId sid : ids)
        senders.emplace_back([&, sid] { (void)busA->Send(sid, Pattern(2 << 20, 4)); });
    std::size_t most = 0;
    for (int i = 0; i < 60; i++) {
        most = std::max(most, b.daemon->Snapshot().pendingBytes);
        std::this_thread::sleep_for(50ms);
    }
    std::printf("most bytes softbusd queued towards the slow process: %zu\n", most);
    // Quota + one minimum window per session (and one chunk of slack).
    EXPECT_LE(most, 65536u + 8 * MIN_SESSION_WINDOW + MAX_CHUNK);
    EXPECT_GT(most, 0u);
    slow->block = false;
    for (auto& t : senders)
        t.join();
    EXPECT_TRUE(slow->WaitFor([&] { return slow->messages.size() == 8; }, 120s));
}

TEST_F(SoftBusPair, PeerProcessExitClosesTheSession)
{
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(sid.ok());
    ASSERT_TRUE(echo->WaitFor([&] { return echo->opened.size() == 1; }));
    echo->echoOn.reset();
    busB.reset();  // B's process goes away: its channel and sockets close
    ASSERT_TRUE(mine->WaitFor([&] { return mine->closed.size() == 1; }));
    EXPECT_EQ(mine->closed[0].second, ShutdownReason::PeerClosed);
    auto after = busA->Send(*sid, std::vector<uint8_t>(3));
    EXPECT_EQ(after.error().code, SOFTBUS_ERR_CLOSED);
}

TEST_F(SoftBusPair, PeerDaemonStopIsDeviceOfflineAndLocalIsServiceDied)
{
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(sid.ok());
    ASSERT_TRUE(echo->WaitFor([&] { return echo->opened.size() == 1; }));
    auto start = std::chrono::steady_clock::now();
    b->Stop();  // says goodbye to A, closes B's channels
    ASSERT_TRUE(mine->WaitFor([&] { return mine->closed.size() == 1; }, 10s));
    EXPECT_EQ(mine->closed[0].second, ShutdownReason::DeviceOffline);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    ASSERT_TRUE(echo->WaitFor([&] { return echo->closed.size() == 1; }, 10s));
    EXPECT_EQ(echo->closed[0].second, ShutdownReason::ServiceDied);
    // Restarted with the same state: same device, linked again, usable.
    std::string oldId = std::string(a->id());
    b->Start({});
    busB = b->Client();
    echo->echoOn = busB;
    ASSERT_TRUE(busB->Listen("echo", echo).ok());
    ASSERT_TRUE(WaitTrusted(*busA, b->id()));
    auto again = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(again.ok()) << again.error().message;
    uint8_t x = 42;
    ASSERT_TRUE(busA->Send(*again, {&x, 1}).ok());
    EXPECT_TRUE(mine->WaitFor([&] { return mine->messages.size() == 1; }));
}

TEST(SoftBusTrust, WrongSecretGetsNoSession)
{
    Node a("device-a", SECRET), c("stranger", OTHER_SECRET);
    a.Start({c.discoveryPort});
    c.Start({a.discoveryPort});
    auto busA = a.Client();
    auto busC = c.Client();
    auto server = std::make_shared<Recorder>();
    ASSERT_TRUE(busC->Listen("echo", server).ok());
    // Each hears the other, but the link never comes up.
    auto deadline = std::chrono::steady_clock::now() + 20s;
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
        auto devices = busA->GetDevices();
        if (devices.ok() && devices->size() == 1 && devices->at(0).state.rfind("untrusted", 0) == 0) {
            state = devices->at(0).state;
            EXPECT_FALSE(devices->at(0).trusted);
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_FALSE(state.empty()) << "A never marked the stranger untrusted";
    EXPECT_NE(state.find("group secret"), std::string::npos) << state;
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(c.id(), "echo", mine, 3000);
    ASSERT_FALSE(sid.ok());
    EXPECT_EQ(sid.error().code, SOFTBUS_ERR_NOT_TRUSTED) << sid.error().message;
    EXPECT_TRUE(server->opened.empty());
    // Without a link there is no goodbye: the stranger leaves A's list of
    // online devices when discovery's TTL (2 s here) runs out.
    c.Stop();
    bool expired = false;
    for (int i = 0; i < 200 && !expired; i++) {
        auto devices = busA->GetDevices();
        expired = devices.ok() && devices->size() == 1 && !devices->at(0).online;
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(expired) << "the silent device never went offline";
}

TEST_F(SoftBusPair, GarbageOnBothPortsLeavesTheDaemonWorking)
{
    std::mt19937 rng(5);
    // Garbage datagrams to B's discovery port.
    int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(b->discoveryPort);
    for (int i = 0; i < 200; i++) {
        std::vector<uint8_t> junk(rng() % 1500);
        for (auto& x : junk)
            x = static_cast<uint8_t>(rng());
        ::sendto(udp, junk.data(), junk.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    }
    ::close(udp);
    // Garbage streams to B's session port.
    for (int i = 0; i < 20; i++) {
        int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
        to.sin_port = htons(b->daemon->port());
        ASSERT_EQ(::connect(tcp, reinterpret_cast<sockaddr*>(&to), sizeof(to)), 0);
        std::vector<uint8_t> junk(1 + rng() % 4000);
        for (auto& x : junk)
            x = static_cast<uint8_t>(rng());
        ssize_t n = ::send(tcp, junk.data(), junk.size(), MSG_NOSIGNAL);
        (void)n;
        ::close(tcp);
    }
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(sid.ok()) << sid.error().message;
    auto data = Pattern(100000, 9);
    ASSERT_TRUE(busA->Send(*sid, data).ok());
    ASSERT_TRUE(mine->WaitFor([&] { return mine->messages.size() == 1; }));
    EXPECT_TRUE(mine->messages[0] == data);
}

}  // namespace
}  // namespace ipckit::softbus

namespace ipckit::softbus {
namespace {

// Device events: what is online at subscription, then off and on again.
struct DeviceRecorder : DeviceListener {
    std::mutex lock;
    std::condition_variable cv;
    std::vector<std::pair<std::string, bool>> events;  // networkId, online
    void OnDeviceOnline(const DeviceInfo& d) override { Add(d.networkId, true); }
    void OnDeviceOffline(const DeviceInfo& d) override { Add(d.networkId, false); }
    void Add(const std::string& id, bool online)
    {
        std::lock_guard<std::mutex> g(lock);
        events.emplace_back(id, online);
        cv.notify_all();
    }
    bool WaitFor(std::size_t n)
    {
        std::unique_lock<std::mutex> g(lock);
        return cv.wait_for(g, 20s, [&] { return events.size() >= n; });
    }
};

TEST_F(SoftBusPair, DeviceSubscribersHearOfflineAndOnline)
{
    auto heard = std::make_shared<DeviceRecorder>();
    ASSERT_TRUE(busA->SubscribeDevices(heard).ok());
    ASSERT_TRUE(heard->WaitFor(1));
    EXPECT_EQ(heard->events[0], std::make_pair(b->id(), true));
    std::string idB = b->id();
    b->Stop();
    ASSERT_TRUE(heard->WaitFor(2));
    EXPECT_EQ(heard->events[1], std::make_pair(idB, false));
    b->Start({});
    ASSERT_TRUE(heard->WaitFor(3));
    EXPECT_EQ(heard->events[2], std::make_pair(idB, true));
    ASSERT_TRUE(busA->UnsubscribeDevices(heard).ok());
    b->Stop();
    std::this_thread::sleep_for(1s);
    std::lock_guard<std::mutex> g(heard->lock);
    EXPECT_EQ(heard->events.size(), 3u) << "an unsubscribed listener still hears events";
}

// A device of the group that misbehaves on its link: speaks TLS with
// the right secret, then sends what the test wants and reads nothing
// unless asked.
class RawPeer {
public:
    RawPeer(Node& target, const char* secret)
    {
        id_ = std::string(64, '0');
        std::mt19937 rng(77);
        for (auto& c : id_)
            c = "0123456789abcdef"[rng() % 16];
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(target.daemon->port());
        ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to));
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, 5000);
        std::string hex = secret;
        auto tls = TlsLink::Create(
            UniqueFd(fd), TlsLink::Role::Client, id_, target.id(),
            [hex]() -> Result<GroupSecret> {
                GroupSecret g;
                for (std::size_t i = 0; i < 32; i++)
                    g.bytes[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
                return g;
            },
            "127.0.0.1");
        EXPECT_TRUE(tls.ok());
        tls_ = std::move(tls.value());
        for (int i = 0; i < 500; i++) {
            TlsIo io = tls_->Handshake();
            if (io == TlsIo::Done)
                break;
            if (io != TlsIo::WantRead && io != TlsIo::WantWrite) {
                ADD_FAILURE() << "raw peer's handshake: " << tls_->error();
                return;
            }
            pollfd q{tls_->fd(), static_cast<short>(io == TlsIo::WantRead ? POLLIN : POLLOUT), 0};
            ::poll(&q, 1, 100);
        }
        std::vector<uint8_t> hello;
        AppendJsonFrame(hello, FrameType::HELLO, 0,
                        {{"version", PROTOCOL_VERSION}, {"networkId", id_}, {"name", "raw"}});
        Write(hello);
    }

    // Writes all it can within 5 s; returns false once the link is gone.
    bool Write(const std::vector<uint8_t>& bytes)
    {
        std::size_t off = 0;
        auto deadline = std::chrono::steady_clock::now() + 5s;
        while (off < bytes.size() && std::chrono::steady_clock::now() < deadline) {
            std::size_t put = 0;
            TlsIo io = tls_->Write(bytes.data() + off, bytes.size() - off, &put);
            if (io == TlsIo::Done) {
                off += put;
                continue;
            }
            if (io != TlsIo::WantWrite && io != TlsIo::WantRead)
                return false;
            pollfd q{tls_->fd(), POLLOUT, 0};
            ::poll(&q, 1, 50);
        }
        return off == bytes.size();
    }

    // Reads (and drops) until the daemon closes the link; false if it
    // is still open after the timeout.
    bool ClosedWithin(std::chrono::milliseconds timeout)
    {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        uint8_t buf[65536];
        while (std::chrono::steady_clock::now() < deadline) {
            std::size_t got = 0;
            TlsIo io = tls_->Read(buf, sizeof(buf), &got);
            if (io == TlsIo::Closed || io == TlsIo::Error)
                return true;
            if (io != TlsIo::Done) {
                pollfd q{tls_->fd(), POLLIN, 0};
                ::poll(&q, 1, 50);
            }
        }
        return false;
    }

    const std::string& id() const { return id_; }

private:
    std::string id_;
    std::unique_ptr<TlsLink> tls_;
};

bool LinkedTo(Node& node, const std::string& id)
{
    for (int i = 0; i < 100; i++) {
        for (auto& d : node.daemon->Snapshot().devices)
            if (d.networkId == id && d.state == "connected")
                return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

TEST(SoftBusHostilePeer, BadFrameCostsOnlyItsOwnLink)
{
    Node b("device-b", SECRET);
    b.Start({});
    RawPeer peer(b, SECRET);
    ASSERT_TRUE(LinkedTo(b, peer.id())) << "the raw peer's link never came up";
    std::vector<uint8_t> junk(FRAME_HEADER, 0xff);  // an unknown frame type
    peer.Write(junk);
    EXPECT_TRUE(peer.ClosedWithin(5s));
    // softbusd goes on: another peer links.
    RawPeer again(b, SECRET);
    EXPECT_TRUE(LinkedTo(b, again.id()));
}

TEST(SoftBusHostilePeer, DataBeyondTheWindowCostsTheLink)
{
    Node b("device-b", SECRET);
    b.Start({});
    auto busB = b.Client();
    auto server = std::make_shared<Recorder>();
    server->block = true;  // nothing is taken: the window is all there is
    ASSERT_TRUE(busB->Listen("sink", server).ok());
    RawPeer peer(b, SECRET);
    ASSERT_TRUE(LinkedTo(b, peer.id()));
    std::vector<uint8_t> out;
    AppendJsonFrame(out, FrameType::OPEN, 1, {{"name", "sink"}, {"window", SESSION_WINDOW}});
    // One 4 MiB message in 64 KiB chunks: past the 1 MiB window.
    uint32_t total = 4u << 20;
    std::vector<uint8_t> chunk(4 + MAX_CHUNK, 0x5a);
    PutU32(chunk.data(), total);
    AppendFrame(out, FrameType::DATA, 1, chunk, FLAG_FIRST);
    for (uint32_t sent = MAX_CHUNK; sent + MAX_CHUNK < total; sent += MAX_CHUNK)
        AppendFrame(out, FrameType::DATA, 1, {chunk.data() + 4, MAX_CHUNK});
    peer.Write(out);
    EXPECT_TRUE(peer.ClosedWithin(10s)) << "a peer that ignored the window kept its link";
    server->block = false;
}

TEST(SoftBusHostilePeer, PeerThatDoesNotReadIsCut)
{
    Node b("device-b", SECRET);
    b.Start({});
    RawPeer peer(b, SECRET);
    ASSERT_TRUE(LinkedTo(b, peer.id()));
    // PINGs make b queue PONGs; we never read them.
    std::vector<uint8_t> pings;
    uint8_t token[8] = {};
    for (int i = 0; i < 20000; i++)
        AppendFrame(pings, FrameType::PING, 0, token);
    bool open = true;
    for (int round = 0; round < 200 && open; round++)
        open = peer.Write(pings);
    // Either the writes failed (b closed on us) or b closes now.
    EXPECT_TRUE(!open || peer.ClosedWithin(10s)) << "b queued PONGs without bound";
}

double CpuSeconds()
{
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Two linked daemons and an open session with nothing to do must sleep:
// a loop that spins starves every other process on a one-CPU device.
TEST_F(SoftBusPair, IdleDaemonsSleep)
{
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(sid.ok());
    uint8_t x = 1;
    ASSERT_TRUE(busA->Send(*sid, {&x, 1}).ok());
    ASSERT_TRUE(mine->WaitFor([&] { return mine->messages.size() == 1; }));
    double before = CpuSeconds();
    std::this_thread::sleep_for(2s);
    double used = CpuSeconds() - before;
    std::printf("CPU used by two idle daemons and clients in 2 s: %.3f s\n", used);
    EXPECT_LT(used, 0.5) << "something spins";
}

// Not a timing assertion: prints the median 64-byte round trip so a
// regression in the data path shows in the log.
TEST_F(SoftBusPair, ReportsTheRoundTrip)
{
    auto mine = std::make_shared<Recorder>();
    auto sid = busA->Bind(b->id(), "echo", mine);
    ASSERT_TRUE(sid.ok());
    std::vector<uint8_t> ping(64, 1);
    std::vector<double> us;
    for (std::size_t i = 0; i < 200; i++) {
        auto t0 = std::chrono::steady_clock::now();
        ASSERT_TRUE(busA->Send(*sid, ping).ok());
        ASSERT_TRUE(mine->WaitFor([&] { return mine->messages.size() == i + 1; }));
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    std::printf("softbus 64-byte round trip on loopback: median %.0f us\n", us[us.size() / 2]);
}

}  // namespace
}  // namespace ipckit::softbus
