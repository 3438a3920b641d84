// SPDX-License-Identifier: Apache-2.0
//
// sbtest: a small client of the soft bus (ipckit/softbus.h) for the
// two-device lane (scripts/vm/pair-a.sh) and make softbus-bench, plus the
// plain-TCP and garbage tools those need. One subcommand per check; exit 0
// on success, 1 with a line on stderr that says what went wrong.
//
// ID is a networkId (64 hex characters) or a device name. Sessions that
// must work (echo, order, hold, bench) retry Bind for up to 30 s: a device
// that has just restarted relinks on its own time.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <ipckit/softbus.h>

#include "tool_common.h"

namespace {

using namespace ipckit;
using namespace ipckit::softbus;
using tools::Clock;
using tools::Median;
using tools::Payload;
using tools::UsSince;

constexpr char kUsage[] =
    "usage: sbtest echo-server NAME\n"
    "       sbtest echo ID NAME SIZE [COUNT]\n"
    "       sbtest too-big ID NAME\n"
    "       sbtest order ID NAME N\n"
    "       sbtest expect-bind-fail ID NAME CODE\n"
    "       sbtest hold ID NAME SECONDS\n"
    "       sbtest quota ID NAME N\n"
    "       sbtest wait-device ID SECONDS [trusted]\n"
    "       sbtest devices\n"
    "       sbtest bench ID NAME\n"
    "       sbtest tcp-bench-server PORT\n"
    "       sbtest tcp-bench HOST PORT\n"
    "       sbtest garbage-udp HOST PORT N\n"
    "       sbtest garbage-tcp HOST PORT N\n"
    "ID: a networkId or a device name\n";

int Fail(const std::string& what)
{
    std::fprintf(stderr, "sbtest: %s\n", what.c_str());
    return 1;
}

std::string Describe(const Error& e)
{
    return e.message + " (code " + std::to_string(e.code) + ")";
}

// CLOCK_BOOTTIME in ms: what /proc/uptime counts, so the guest's shell
// can compare its own timestamps with ours.
int64_t BootMs()
{
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

const char* ReasonName(ShutdownReason r)
{
    switch (r) {
    case ShutdownReason::LocalShutdown: return "LocalShutdown";
    case ShutdownReason::PeerClosed: return "PeerClosed";
    case ShutdownReason::DeviceOffline: return "DeviceOffline";
    case ShutdownReason::LinkDown: return "LinkDown";
    case ShutdownReason::Timeout: return "Timeout";
    case ShutdownReason::ServiceDied: return "ServiceDied";
    case ShutdownReason::Refused: return "Refused";
    }
    return "Unknown";
}

// A session's listener that queues what arrives and remembers the close.
class Inbox : public SessionListener {
public:
    void OnBytesReceived(SessionId, std::span<const uint8_t> data) override
    {
        std::lock_guard lock(mu_);
        queue_.emplace_back(data.begin(), data.end());
        cv_.notify_all();
    }
    void OnSessionClosed(SessionId, ShutdownReason reason) override
    {
        std::lock_guard lock(mu_);
        reason_ = reason;
        closedAtMs_ = BootMs();
        cv_.notify_all();
    }
    // The next message, or nothing after `timeout` or once closed.
    std::optional<std::vector<uint8_t>> Next(std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || reason_; });
        if (queue_.empty())
            return std::nullopt;
        auto m = std::move(queue_.front());
        queue_.pop_front();
        return m;
    }
    std::optional<ShutdownReason> WaitClosed(std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, timeout, [&] { return reason_.has_value(); });
        return reason_;
    }
    int64_t closedAtMs()
    {
        std::lock_guard lock(mu_);
        return closedAtMs_;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::vector<uint8_t>> queue_;
    std::optional<ShutdownReason> reason_;
    int64_t closedAtMs_ = -1;
};

// Connect, retrying while softbusd starts (it may have just restarted).
Result<std::shared_ptr<SoftBus>> ConnectRetry(int seconds = 10)
{
    auto deadline = Clock::now() + std::chrono::seconds(seconds);
    for (;;) {
        auto bus = SoftBus::Connect();
        if (bus || Clock::now() >= deadline)
            return bus;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

bool IsNetworkId(const std::string& s)
{
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The networkId of ID (a networkId, or a device name discovery knows).
std::optional<std::string> Resolve(SoftBus& bus, const std::string& id)
{
    if (IsNetworkId(id))
        return id;
    auto devices = bus.GetDevices();
    if (!devices)
        return std::nullopt;
    for (const auto& d : *devices)
        if (d.name == id)
            return d.networkId;
    return std::nullopt;
}

struct Bound {
    SessionId sid;
    std::shared_ptr<Inbox> inbox;
};

// Bind until it works or `seconds` pass; every failure is logged.
Result<Bound> BindRetry(SoftBus& bus, const std::string& id, const std::string& name,
                        int seconds = 30)
{
    auto deadline = Clock::now() + std::chrono::seconds(seconds);
    Error last{SOFTBUS_ERR_NO_DEVICE, "no device " + id};
    for (;;) {
        auto nid = Resolve(bus, id);
        if (nid) {
            auto inbox = std::make_shared<Inbox>();
            auto sid = bus.Bind(*nid, name, inbox);
            if (sid)
                return Bound{*sid, inbox};
            last = sid.error();
            if (last.code == SOFTBUS_ERR_QUOTA || last.code == SOFTBUS_ERR_BAD_NAME)
                return last;
            std::fprintf(stderr, "sbtest: bind %s: %s; retrying\n", name.c_str(),
                         Describe(last).c_str());
        }
        if (Clock::now() >= deadline)
            return last;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

// One echo round trip; the error says what differed.
std::optional<std::string> EchoOnce(SoftBus& bus, const Bound& b,
                                    const std::vector<uint8_t>& msg, int64_t* rttUs)
{
    auto t0 = Clock::now();
    auto sent = bus.Send(b.sid, msg);
    if (!sent)
        return "send of " + std::to_string(msg.size()) + " bytes: " + Describe(sent.error());
    auto back = b.inbox->Next(std::chrono::seconds(60));
    if (rttUs)
        *rttUs = UsSince(t0);
    if (!back)
        return "no echo of " + std::to_string(msg.size()) + " bytes within 60 s";
    if (*back != msg) {
        std::size_t i = 0;
        while (i < back->size() && i < msg.size() && (*back)[i] == msg[i])
            i++;
        return "echo differs: sent " + std::to_string(msg.size()) + " bytes, got " +
               std::to_string(back->size()) + ", first difference at byte " + std::to_string(i);
    }
    return std::nullopt;
}

// A session to (id, name): connected and bound with the retries above;
// the subcommands that talk to B's echo server start here.
struct Opened {
    std::shared_ptr<SoftBus> bus;
    Bound bound;
};

Result<Opened> Open(const std::string& id, const std::string& name)
{
    auto bus = ConnectRetry();
    if (!bus)
        return Error{bus.error().code, "connect: " + Describe(bus.error())};
    auto b = BindRetry(**bus, id, name);
    if (!b)
        return Error{b.error().code, "bind " + name + ": " + Describe(b.error())};
    return Opened{bus.value(), b.value()};
}

// --- soft bus subcommands ---------------------------------------------------

class EchoServer : public SessionListener {
public:
    explicit EchoServer(std::shared_ptr<SoftBus> bus) : bus_(std::move(bus)) {}
    void OnSessionOpened(const SessionInfo& s) override
    {
        std::fprintf(stderr, "sbtest: session %llu from %.12s opened\n",
                     (unsigned long long)s.id, s.peerNetworkId.c_str());
    }
    void OnBytesReceived(SessionId sid, std::span<const uint8_t> data) override
    {
        auto sent = bus_->Send(sid, data);
        if (!sent)
            std::fprintf(stderr, "sbtest: echo on %llu: %s\n", (unsigned long long)sid,
                         Describe(sent.error()).c_str());
    }
    void OnSessionClosed(SessionId sid, ShutdownReason r) override
    {
        std::fprintf(stderr, "sbtest: session %llu closed: %s\n", (unsigned long long)sid,
                     ReasonName(r));
    }

private:
    std::shared_ptr<SoftBus> bus_;
};

int CmdEchoServer(const std::string& name)
{
    auto bus = ConnectRetry();
    if (!bus)
        return Fail("connect: " + Describe(bus.error()));
    auto listened = (*bus)->Listen(name, std::make_shared<EchoServer>(*bus));
    if (!listened)
        return Fail("listen " + name + ": " + Describe(listened.error()));
    std::printf("sbtest: listening on %s\n", name.c_str());
    std::fflush(stdout);
    for (;;)
        pause();
}

int CmdEcho(const std::string& id, const std::string& name, std::size_t size, int count)
{
    auto opened = Open(id, name);
    if (!opened)
        return Fail(opened.error().message);
    auto* bus = &opened->bus;
    auto* b = &opened->bound;
    std::vector<int64_t> rtts;
    for (int i = 0; i < count; i++) {
        int64_t rtt = 0;
        if (auto err = EchoOnce(**bus, *b, Payload(size, uint32_t(i)), &rtt))
            return Fail(*err);
        rtts.push_back(rtt);
    }
    (void)(*bus)->Shutdown(b->sid);
    std::printf("sbtest: echo %zu B x %d: byte-exact, round trip median %lld us\n", size, count,
                (long long)Median(rtts));
    return 0;
}

int CmdTooBig(const std::string& id, const std::string& name)
{
    auto opened = Open(id, name);
    if (!opened)
        return Fail(opened.error().message);
    auto* bus = &opened->bus;
    auto* b = &opened->bound;
    std::vector<uint8_t> big(MAX_MESSAGE_BYTES + 1, 0x5a);
    auto sent = (*bus)->Send(b->sid, big);
    if (sent)
        return Fail("a message of MAX_MESSAGE_BYTES + 1 was accepted");
    if (sent.error().code != SOFTBUS_ERR_TOO_BIG)
        return Fail("too big a message failed with " + Describe(sent.error()) +
                    ", not SOFTBUS_ERR_TOO_BIG");
    std::printf("sbtest: %zu bytes refused: %s\n", big.size(), Describe(sent.error()).c_str());
    // Nothing of it went out: the next echo is the next thing back.
    if (auto err = EchoOnce(**bus, *b, Payload(1, 7), nullptr))
        return Fail("after the refused message: " + *err);
    (void)(*bus)->Shutdown(b->sid);
    return 0;
}

int CmdOrder(const std::string& id, const std::string& name, int n)
{
    auto opened = Open(id, name);
    if (!opened)
        return Fail(opened.error().message);
    auto* bus = &opened->bus;
    auto* b = &opened->bound;
    auto msg = [](int i) {
        // Sizes vary from 4 bytes to 16 KiB; the first four bytes number it.
        std::size_t size = 4 + (std::size_t(i) * 7919) % 16384;
        auto p = Payload(size, uint32_t(i));
        std::memcpy(p.data(), &i, 4);
        return p;
    };
    auto t0 = Clock::now();
    std::string error;
    // The sender runs ahead; the echoes come back as they come.
    std::thread sender([&] {
        for (int i = 0; i < n; i++) {
            auto sent = (*bus)->Send(b->sid, msg(i));
            if (!sent) {
                error = "send " + std::to_string(i) + ": " + Describe(sent.error());
                return;
            }
        }
    });
    int got = 0;
    for (; got < n; got++) {
        auto back = b->inbox->Next(std::chrono::seconds(60));
        if (!back) {
            error = "message " + std::to_string(got) + " did not come back within 60 s";
            break;
        }
        if (*back != msg(got)) {
            int seq = -1;
            if (back->size() >= 4)
                std::memcpy(&seq, back->data(), 4);
            error = "message " + std::to_string(got) + " came back as message " +
                    std::to_string(seq) + " (" + std::to_string(back->size()) + " bytes)";
            break;
        }
    }
    sender.join();
    if (!error.empty())
        return Fail(error);
    (void)(*bus)->Shutdown(b->sid);
    std::printf("sbtest: %d messages in order in %lld ms\n", n, (long long)(UsSince(t0) / 1000));
    return 0;
}

int CmdExpectBindFail(const std::string& id, const std::string& name, int code)
{
    auto bus = ConnectRetry();
    if (!bus)
        return Fail("connect: " + Describe(bus.error()));
    auto nid = Resolve(**bus, id);
    if (!nid)
        return Fail("no device " + id);
    auto sid = (*bus)->Bind(*nid, name, std::make_shared<Inbox>(), 10000);
    if (sid)
        return Fail("bind " + name + " succeeded; expected code " + std::to_string(code));
    std::printf("sbtest: bind failed: %s\n", Describe(sid.error()).c_str());
    if (sid.error().code != code)
        return Fail("expected code " + std::to_string(code));
    return 0;
}

int CmdHold(const std::string& id, const std::string& name, int seconds)
{
    auto opened = Open(id, name);
    if (!opened)
        return Fail(opened.error().message);
    auto* b = &opened->bound;  // `opened` keeps the connection while we wait
    auto t0 = BootMs();
    std::printf("sbtest: session open at %lld ms\n", (long long)t0);
    std::fflush(stdout);
    auto reason = b->inbox->WaitClosed(std::chrono::seconds(seconds));
    if (!reason)
        return Fail("the session was still open after " + std::to_string(seconds) + " s");
    auto at = b->inbox->closedAtMs();
    std::printf("sbtest: session closed: %s (%s) after %lld ms, closed at %lld ms\n",
                ReasonName(*reason), ToString(*reason), (long long)(at - t0), (long long)at);
    return 0;
}

int CmdQuota(const std::string& id, const std::string& name, int n)
{
    auto bus = ConnectRetry();
    if (!bus)
        return Fail("connect: " + Describe(bus.error()));
    std::vector<Bound> held;
    for (int i = 0; i < n; i++) {
        auto b = BindRetry(**bus, id, name);
        if (!b)
            return Fail("session " + std::to_string(i + 1) + " of " + std::to_string(n) +
                        ": " + Describe(b.error()));
        held.push_back(*b);
    }
    auto nid = Resolve(**bus, id);
    auto extra = (*bus)->Bind(nid.value_or(id), name, std::make_shared<Inbox>());
    if (extra)
        return Fail("session " + std::to_string(n + 1) + " was opened");
    std::printf("sbtest: session %d refused: %s\n", n + 1, Describe(extra.error()).c_str());
    if (extra.error().code != SOFTBUS_ERR_QUOTA)
        return Fail("expected SOFTBUS_ERR_QUOTA");
    return 0;
}

std::optional<DeviceInfo> FindDevice(SoftBus& bus, const std::string& id)
{
    auto devices = bus.GetDevices();
    if (!devices)
        return std::nullopt;
    for (const auto& d : *devices)
        if (d.networkId == id || d.name == id)
            return d;
    return std::nullopt;
}

int CmdWaitDevice(const std::string& id, int seconds, bool trusted)
{
    auto t0 = Clock::now();
    auto bus = ConnectRetry(seconds);
    if (!bus)
        return Fail("connect: " + Describe(bus.error()));
    auto deadline = t0 + std::chrono::seconds(seconds);
    std::optional<DeviceInfo> d;
    for (;;) {
        d = FindDevice(**bus, id);
        if (d && d->online && (!trusted || d->trusted))
            break;
        if (Clock::now() >= deadline)
            return Fail("device " + id + (d ? " is " + d->state : std::string(" unknown")) +
                        " after " + std::to_string(seconds) + " s");
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::printf("sbtest: device %s \"%s\" at %s: %s, after %lld ms\n", d->networkId.c_str(),
                d->name.c_str(), d->address.c_str(), d->state.c_str(),
                (long long)(UsSince(t0) / 1000));
    return 0;
}

int CmdDevices()
{
    auto bus = ConnectRetry();
    if (!bus)
        return Fail("connect: " + Describe(bus.error()));
    auto devices = (*bus)->GetDevices();
    if (!devices)
        return Fail("devices: " + Describe(devices.error()));
    for (const auto& d : *devices)
        std::printf("%s %-12s %-16s %-7s %-9s rtt %lld us  %s\n", d.networkId.c_str(),
                    d.name.c_str(), d.address.empty() ? "(local)" : d.address.c_str(),
                    d.online ? "online" : "offline", d.trusted ? "trusted" : "untrusted",
                    (long long)d.rttUs, d.state.c_str());
    return 0;
}

// --- benchmarks ---------------------------------------------------------------
// Both transports run the same two measurements through an echo: the
// median round trip of 64-byte pings, and 1 MiB messages echoed back
// (payload bytes each way per second).
constexpr int kPings = 200;
constexpr int kBulk = 16;
constexpr std::size_t kBulkSize = 1u << 20;

void PrintBench(const char* kind, int64_t rttUs, int64_t bulkUs)
{
    double mibs = bulkUs > 0 ? double(kBulk) * 1e6 / double(bulkUs) : 0;
    std::printf("bench: %s rtt64_us %lld mib_per_s %.1f\n", kind, (long long)rttUs, mibs);
}

int CmdBench(const std::string& id, const std::string& name)
{
    auto opened = Open(id, name);
    if (!opened)
        return Fail(opened.error().message);
    auto* bus = &opened->bus;
    auto* b = &opened->bound;
    std::vector<int64_t> rtts;
    auto ping = Payload(64, 1);
    for (int i = 0; i < kPings; i++) {
        int64_t rtt = 0;
        if (auto err = EchoOnce(**bus, *b, ping, &rtt))
            return Fail(*err);
        rtts.push_back(rtt);
    }
    auto bulk = Payload(kBulkSize, 2);
    auto t0 = Clock::now();
    std::thread sender([&] {
        for (int i = 0; i < kBulk; i++)
            (void)(*bus)->Send(b->sid, bulk);
    });
    for (int i = 0; i < kBulk; i++)
        if (!b->inbox->Next(std::chrono::seconds(60))) {
            sender.join();
            return Fail("bulk echo " + std::to_string(i) + " did not come back");
        }
    int64_t bulkUs = UsSince(t0);
    sender.join();
    (void)(*bus)->Shutdown(b->sid);
    PrintBench("softbus", Median(rtts), bulkUs);
    return 0;
}

bool WriteAll(int fd, const void* p, std::size_t n)
{
    auto* c = static_cast<const uint8_t*>(p);
    while (n > 0) {
        ssize_t w = ::send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= std::size_t(w);
    }
    return true;
}

bool ReadAll(int fd, void* p, std::size_t n)
{
    auto* c = static_cast<uint8_t*>(p);
    while (n > 0) {
        ssize_t r = ::recv(fd, c, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        c += r;
        n -= std::size_t(r);
    }
    return true;
}

// Plain TCP with the soft bus's framing idea: a 4-byte length, the bytes.
// One write per message: a length written apart from its bytes is the
// write-write-read pattern that delayed ACKs stall by 40 ms.
bool SendMsg(int fd, const std::vector<uint8_t>& m)
{
    uint32_t len = htonl(uint32_t(m.size()));
    auto* l = reinterpret_cast<const uint8_t*>(&len);
    std::vector<uint8_t> buf(l, l + 4);
    buf.insert(buf.end(), m.begin(), m.end());
    return WriteAll(fd, buf.data(), buf.size());
}

bool RecvMsg(int fd, std::vector<uint8_t>& m)
{
    uint32_t len = 0;
    if (!ReadAll(fd, &len, 4))
        return false;
    len = ntohl(len);
    if (len > MAX_MESSAGE_BYTES)
        return false;
    m.resize(len);
    return ReadAll(fd, m.data(), len);
}

void NoDelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int CmdTcpBenchServer(int port)
{
    int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    if (::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || ::listen(ls, 8) < 0)
        return Fail("tcp port " + std::to_string(port) + ": " + std::strerror(errno));
    std::printf("sbtest: tcp listening on %d\n", port);
    std::fflush(stdout);
    for (;;) {
        int fd = ::accept4(ls, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        std::thread([fd] {
            NoDelay(fd);
            std::vector<uint8_t> m;
            while (RecvMsg(fd, m) && SendMsg(fd, m)) {
            }
            ::close(fd);
        }).detach();
    }
}

int Dial(const std::string& host, int port, int type)
{
    int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) {
        ::close(fd);
        errno = EINVAL;
        return -1;
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) {
        int e = errno;
        ::close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int CmdTcpBench(const std::string& host, int port)
{
    int fd = Dial(host, port, SOCK_STREAM);
    if (fd < 0)
        return Fail("connect " + host + ":" + std::to_string(port) + ": " + std::strerror(errno));
    NoDelay(fd);
    std::vector<int64_t> rtts;
    auto ping = Payload(64, 1);
    std::vector<uint8_t> back;
    for (int i = 0; i < kPings; i++) {
        auto t0 = Clock::now();
        if (!SendMsg(fd, ping) || !RecvMsg(fd, back) || back != ping)
            return Fail("tcp ping " + std::to_string(i) + " failed");
        rtts.push_back(UsSince(t0));
    }
    auto bulk = Payload(kBulkSize, 2);
    auto t0 = Clock::now();
    bool sentAll = true;
    std::thread sender([&] {
        for (int i = 0; i < kBulk; i++)
            sentAll = sentAll && SendMsg(fd, bulk);
    });
    bool ok = true;
    for (int i = 0; i < kBulk && ok; i++)
        ok = RecvMsg(fd, back) && back.size() == kBulkSize;
    int64_t bulkUs = UsSince(t0);
    sender.join();
    ::close(fd);
    if (!ok || !sentAll)
        return Fail("tcp bulk echo failed");
    PrintBench("tcp", Median(rtts), bulkUs);
    return 0;
}

// --- garbage ----------------------------------------------------------------------

int CmdGarbageUdp(const std::string& host, int port, int n)
{
    int fd = Dial(host, port, SOCK_DGRAM);
    if (fd < 0)
        return Fail("udp " + host + ":" + std::to_string(port) + ": " + std::strerror(errno));
    std::mt19937 rng(std::random_device{}());
    for (int i = 0; i < n; i++) {
        std::vector<uint8_t> d(1 + rng() % 1400);
        for (auto& c : d)
            c = uint8_t(rng());
        // Every fourth looks like CoAP (version 1) to get past a first glance.
        if (i % 4 == 0)
            d[0] = uint8_t(0x40 | (d[0] & 0x3f));
        (void)::send(fd, d.data(), d.size(), 0);  // refusals (ICMP) are fine
        if (i % 50 == 49)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::close(fd);
    std::printf("sbtest: %d random datagrams sent to %s:%d\n", n, host.c_str(), port);
    return 0;
}

int CmdGarbageTcp(const std::string& host, int port, int n)
{
    std::mt19937 rng(std::random_device{}());
    int closedByPeer = 0;
    for (int i = 0; i < n; i++) {
        int fd = Dial(host, port, SOCK_STREAM);
        if (fd < 0)
            return Fail("connect " + host + ":" + std::to_string(port) + ": " +
                        std::strerror(errno));
        std::vector<uint8_t> d(1 + rng() % 65536);
        for (auto& c : d)
            c = uint8_t(rng());
        (void)WriteAll(fd, d.data(), d.size());  // the peer may hang up midway
        timeval tv{2, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        uint8_t buf[4096];
        ssize_t r;
        while ((r = ::recv(fd, buf, sizeof buf, 0)) > 0) {
        }
        if (r == 0 || (r < 0 && errno == ECONNRESET))
            closedByPeer++;
        ::close(fd);
    }
    std::printf("sbtest: random bytes on %d connections to %s:%d, %d closed by the peer\n", n,
                host.c_str(), port, closedByPeer);
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    const tools::Args a(argc, argv);
    if (a.cmd == "echo-server" && a.n == 2)
        return CmdEchoServer(a[1]);
    if (a.cmd == "echo" && (a.n == 4 || a.n == 5))
        return CmdEcho(a[1], a[2], a.Size(3), a.n == 5 ? a.Num(4) : 1);
    if (a.cmd == "too-big" && a.n == 3)
        return CmdTooBig(a[1], a[2]);
    if (a.cmd == "order" && a.n == 4)
        return CmdOrder(a[1], a[2], a.Num(3));
    if (a.cmd == "expect-bind-fail" && a.n == 4)
        return CmdExpectBindFail(a[1], a[2], a.Num(3));
    if (a.cmd == "hold" && a.n == 4)
        return CmdHold(a[1], a[2], a.Num(3));
    if (a.cmd == "quota" && a.n == 4)
        return CmdQuota(a[1], a[2], a.Num(3));
    if (a.cmd == "wait-device" && (a.n == 3 || (a.n == 4 && a[3] == "trusted")))
        return CmdWaitDevice(a[1], a.Num(2), a.n == 4);
    if (a.cmd == "devices" && a.n == 1)
        return CmdDevices();
    if (a.cmd == "bench" && a.n == 3)
        return CmdBench(a[1], a[2]);
    if (a.cmd == "tcp-bench-server" && a.n == 2)
        return CmdTcpBenchServer(a.Num(1));
    if (a.cmd == "tcp-bench" && a.n == 3)
        return CmdTcpBench(a[1], a.Num(2));
    if (a.cmd == "garbage-udp" && a.n == 4)
        return CmdGarbageUdp(a[1], a.Num(2), a.Num(3));
    if (a.cmd == "garbage-tcp" && a.n == 4)
        return CmdGarbageTcp(a[1], a.Num(2), a.Num(3));
    return tools::Usage(kUsage);
}
