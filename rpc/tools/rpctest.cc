// SPDX-License-Identifier: Apache-2.0
//
// rpctest: cross-device RPC's test service and client for the two-device
// lane (scripts/vm/pair-a.sh) and its benchmark. One subcommand per check;
// exit 0 on success, 1 with a line on stderr that says what went wrong
// (an RPC error is named: "RPC_ERR_NOT_DISTRIBUTED (523): ...").
//
//   rpctest serve SAID [--local] [--delay-ms N]
//       registers the test SA (distributed unless --local; --delay-ms
//       waits before registering, as a slow on-demand start) and serves
//       it until it is told to exit. Prints "rpctest: serving SA N (pid P)".
//
// The client subcommands take NID, the device's networkId ("" or "local":
// this device) and the SA id; they get the SA with GetSystemAbility(said,
// NID) (with retries while the device links) and check one thing.
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <ipckit/ashmem.h>
#include <ipckit/ipc_kit.h>
#include <ipckit/iservice_registry.h>
#include <ipckit/softbus.h>

#include "rpc_protocol.h"
#include "tool_common.h"
#include "wire/packet.h"

namespace {

using namespace ipckit;
using tools::Clock;
using tools::Payload;
using tools::Quantile;
using tools::UsSince;
using namespace std::chrono_literals;

constexpr char kUsage[] =
    "usage: rpctest serve SAID [--local] [--delay-ms N]\n"
    "       rpctest echo NID SAID SIZE...\n"
    "       rpctest echo-max NID SAID\n"
    "       rpctest too-big NID SAID\n"
    "       rpctest raw NID SAID SIZE\n"
    "       rpctest order NID SAID N\n"
    "       rpctest callback NID SAID\n"
    "       rpctest refs NID SAID\n"
    "       rpctest identity NID SAID\n"
    "       rpctest timeout NID SAID\n"
    "       rpctest fd NID SAID\n"
    "       rpctest pass-on NID SAID [LOCAL_SAID]\n"
    "       rpctest anon-death NID SAID\n"
    "       rpctest death NID SAID exit|wait [SECONDS]\n"
    "       rpctest samgr NID SAID\n"
    "       rpctest expect-get NID SAID CODE [check]\n"
    "       rpctest load NID SAID\n"
    "       rpctest bench NID SAID [N]\n"
    "       rpctest stop NID SAID\n"
    "       rpctest rogue NID SAID N\n"
    "       rpctest hog NID SAID N MS\n"
    "       rpctest rpc-dump\n"
    "NID: a networkId, or \"local\" for this device\n";

constexpr char16_t kDescriptor[] = u"ipckit.test.IRpcTest";

// The test SA's codes. Every request but NOP starts with the interface
// token; every reply of a sync call starts with Int32 0 on success.
enum : uint32_t {
    ECHO = 1,        // Int32 n, n bytes -> Int32 n, n bytes
    RAW = 2,         // Int32 n, RawData(n) -> Int32 n, Uint32 checksum
    RECORD = 3,      // one-way: Int32 seq, appended to the record
    GET_RECORD = 4,  // -> Int32Vector of the recorded seqs
    RESET = 5,       // empties the record
    CALL_BACK = 6,   // RemoteObject cb, String text -> cb's reply String
    HOLD = 7,        // RemoteObject o -> Int32 held, Bool AddDeathRecipient(o)
    DROP = 8,        // -> Int32 dropped
    IDENTITY = 9,    // -> String callingDevice, Bool local, Int32 pid, Uint32 uid,
                     //    String localDevice, Int32 remotePid, Uint32 remoteUid
    SLEEP = 10,      // Int32 ms
    SAMGR = 11,      // -> RemoteObject: samgr (IPCSkeleton::GetContextObject)
    EXIT = 12,       // replies, then exits 100 ms later
    ANON = 13,       // -> RemoteObject: a new anonymous stub (answers NOP)
    NOP = 14,        // no token, no data, empty reply: the benchmark's call
    ANON_LIVE = 15,  // -> Int32 0, Int32 how many ANON objects still exist
};

std::atomic<int> g_anonLive{0};

// The callback stub's one code: String text -> String "cb:" text "@" device.
constexpr uint32_t CB_HELLO = 1;
constexpr char16_t kCallbackDescriptor[] = u"ipckit.test.IRpcCallback";

int Fail(const std::string& what)
{
    std::fprintf(stderr, "rpctest: %s\n", what.c_str());
    return 1;
}

std::string Explain(int err)
{
    return std::string(ErrorString(err)) + " (" + std::to_string(err) + ")";
}

uint32_t Checksum(const uint8_t* p, std::size_t n)  // FNV-1a
{
    uint32_t h = 2166136261u;
    for (std::size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

// --- the service ----------------------------------------------------------------

class AnonStub : public IPCObjectStub {
public:
    AnonStub() : IPCObjectStub(u"ipckit.test.IAnon") { g_anonLive++; }
    ~AnonStub() override { g_anonLive--; }
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override;
};

class TestService : public IPCObjectStub {
public:
    TestService() : IPCObjectStub(kDescriptor) {}

    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        if (code == NOP)
            return ERR_NONE;
        if (code < ECHO || code > ANON_LIVE)
            return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
        if (data.ReadInterfaceToken() != kDescriptor)
            return ERR_INVALID_DATA;
        reply.SetMaxCapacity(2u << 20);
        switch (code) {
        case ECHO: {
            int32_t n = -1;
            if (!data.ReadInt32(n) || n < 0)
                return ERR_INVALID_DATA;
            const uint8_t* p = n ? data.ReadBuffer(std::size_t(n)) : nullptr;
            if (n && !p)
                return ERR_INVALID_DATA;
            if (!reply.WriteInt32(n) || (n && !reply.WriteBuffer(p, std::size_t(n))))
                return IPC_STUB_WRITE_PARCEL_ERR;
            return ERR_NONE;
        }
        case RAW: {
            int32_t n = -1;
            if (!data.ReadInt32(n) || n < 0)
                return ERR_INVALID_DATA;
            auto* p = static_cast<const uint8_t*>(data.ReadRawData(std::size_t(n)));
            if (!p)
                return ERR_INVALID_DATA;
            reply.WriteInt32(n);
            reply.WriteUint32(Checksum(p, std::size_t(n)));
            return ERR_NONE;
        }
        case RECORD: {
            int32_t seq = 0;
            if (!data.ReadInt32(seq))
                return ERR_INVALID_DATA;
            std::lock_guard lock(mu_);
            record_.push_back(seq);
            return ERR_NONE;
        }
        case GET_RECORD: {
            std::lock_guard lock(mu_);
            reply.WriteInt32(0);
            reply.WriteInt32Vector(record_);
            return ERR_NONE;
        }
        case RESET: {
            std::lock_guard lock(mu_);
            record_.clear();
            reply.WriteInt32(0);
            return ERR_NONE;
        }
        case CALL_BACK: {
            sptr<IRemoteObject> cb = data.ReadRemoteObject();
            std::string text = data.ReadString();
            if (!cb)
                return ERR_NULL_OBJECT;
            MessageParcel d, r;
            MessageOption o;
            d.WriteInterfaceToken(kCallbackDescriptor);
            d.WriteString(text);
            int err = cb->SendRequest(CB_HELLO, d, r, o);
            reply.WriteInt32(err);
            reply.WriteString(err == ERR_NONE ? r.ReadString() : std::string());
            return ERR_NONE;
        }
        case HOLD: {
            sptr<IRemoteObject> o = data.ReadRemoteObject();
            if (!o)
                return ERR_NULL_OBJECT;
            // An anonymous object from another device: no death notice.
            auto watcher = MakeSptr<Watcher>();
            bool death = o->AddDeathRecipient(watcher);
            if (death)
                o->RemoveDeathRecipient(watcher);
            std::lock_guard lock(mu_);
            held_.push_back(o);
            reply.WriteInt32(int32_t(held_.size()));
            reply.WriteBool(death);
            return ERR_NONE;
        }
        case DROP: {
            std::vector<sptr<IRemoteObject>> drop;
            {
                std::lock_guard lock(mu_);
                drop.swap(held_);
            }
            reply.WriteInt32(int32_t(drop.size()));
            return ERR_NONE;
        }
        case IDENTITY:
            reply.WriteInt32(0);
            reply.WriteString(IPCSkeleton::GetCallingDeviceID());
            reply.WriteBool(IPCSkeleton::IsLocalCalling());
            reply.WriteInt32(int32_t(IPCSkeleton::GetCallingPid()));
            reply.WriteUint32(uint32_t(IPCSkeleton::GetCallingUid()));
            reply.WriteString(IPCSkeleton::GetLocalDeviceID());
            reply.WriteInt32(int32_t(IPCSkeleton::GetCallingRemotePid()));
            reply.WriteUint32(uint32_t(IPCSkeleton::GetCallingRemoteUid()));
            return ERR_NONE;
        case SLEEP: {
            int32_t ms = 0;
            if (!data.ReadInt32(ms) || ms < 0 || ms > 600000)
                return ERR_INVALID_DATA;
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            reply.WriteInt32(0);
            return ERR_NONE;
        }
        case SAMGR:
            reply.WriteInt32(0);
            reply.WriteRemoteObject(IPCSkeleton::GetContextObject());
            return ERR_NONE;
        case EXIT:
            std::fprintf(stderr, "rpctest: told to exit by %s\n",
                         IPCSkeleton::IsLocalCalling()
                             ? "a local caller"
                             : IPCSkeleton::GetCallingDeviceID().substr(0, 12).c_str());
            std::thread([] {
                std::this_thread::sleep_for(100ms);
                std::_Exit(0);
            }).detach();
            reply.WriteInt32(0);
            return ERR_NONE;
        case ANON: {
            sptr<IRemoteObject> anon = MakeSptr<AnonStub>();
            reply.WriteInt32(0);
            reply.WriteRemoteObject(anon);
            return ERR_NONE;
        }
        case ANON_LIVE:
            reply.WriteInt32(0);
            reply.WriteInt32(g_anonLive.load());
            return ERR_NONE;
        }
        return ERR_UNKNOWN_TRANSACTION;
    }

private:
    class Watcher : public IRemoteObject::DeathRecipient {
    public:
        void OnRemoteDied(const wptr<IRemoteObject>&) override {}
    };
    std::mutex mu_;
    std::vector<int32_t> record_;
    std::vector<sptr<IRemoteObject>> held_;
};

int AnonStub::OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                              MessageOption& option)
{
    if (code == NOP)
        return ERR_NONE;
    return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
}

sptr<ISystemAbilityManager> Samgr()
{
    return SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
}

int CmdServe(int32_t said, bool distributed, int delayMs)
{
    auto samgr = Samgr();
    if (!samgr)
        return Fail("no samgr (start samgr first)");
    if (delayMs > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
    auto service = MakeSptr<TestService>();
    SAExtraProp prop;
    prop.isDistributed = distributed;
    int err = samgr->AddSystemAbility(said, service, prop);
    if (err != ERR_NONE)
        return Fail("samgr refused SA " + std::to_string(said) + ": " + Explain(err) + " " +
                    samgr->GetLastError());
    std::printf("rpctest: serving SA %d (pid %d)%s\n", said, int(getpid()),
                distributed ? "" : " local only");
    std::fflush(stdout);
    IPCSkeleton::JoinWorkThread();
    return 0;
}

// --- client helpers -------------------------------------------------------------

std::string Nid(const std::string& arg)
{
    return arg == "local" ? std::string() : arg;
}

std::string LastError(ISystemAbilityManager& samgr)
{
    int code = samgr.GetLastErrorCode();
    return Explain(code) + ": " + samgr.GetLastError();
}

// The SA on device `nid`, retrying RPC_ERR_NO_DEVICE, RPC_ERR_NOT_RUNNING
// and RPC_BASE_INVOKER_SEND_FAILED for up to 30 s (a device that has just
// come up links on its own time); any other failure is final.
sptr<IRemoteObject> GetSa(const std::string& nid, int32_t said, std::string* why = nullptr)
{
    auto deadline = Clock::now() + 30s;
    for (;;) {
        auto samgr = Samgr();
        if (!samgr) {
            if (why)
                *why = "no samgr";
            return nullptr;
        }
        sptr<IRemoteObject> sa = samgr->GetSystemAbility(said, nid);
        if (sa)
            return sa;
        int code = samgr->GetLastErrorCode();
        std::string text = LastError(*samgr);
        if (why)
            *why = "GetSystemAbility(" + std::to_string(said) + ", " +
                   (nid.empty() ? "local" : nid.substr(0, 12)) + "): " + text;
        bool transient = code == RPC_ERR_NO_DEVICE || code == RPC_ERR_NOT_RUNNING ||
                         code == RPC_BASE_INVOKER_SEND_FAILED || code == ERR_NONE;
        if (!transient || Clock::now() >= deadline)
            return nullptr;
        std::fprintf(stderr, "rpctest: %s; retrying\n", text.c_str());
        std::this_thread::sleep_for(500ms);
    }
}

// A sync call with the token and what `fill` writes.
int Invoke(const sptr<IRemoteObject>& o, uint32_t code, MessageParcel& reply,
           const std::function<bool(MessageParcel&)>& fill = {}, int waitS = 0,
           bool oneway = false)
{
    MessageParcel data;
    data.SetMaxCapacity(4u << 20);
    if (!data.WriteInterfaceToken(kDescriptor) || (fill && !fill(data)))
        return -1;
    MessageOption option(oneway ? MessageOption::TF_ASYNC : MessageOption::TF_SYNC);
    if (waitS > 0)
        option.SetWaitTime(waitS);
    return o->SendRequest(code, data, reply, option);
}

// A sync call of `code` with only the token that must succeed: 0, or 1
// and "what: error" on stderr.
int CallOk(const sptr<IRemoteObject>& sa, uint32_t code, const std::string& what)
{
    MessageParcel reply;
    int err = Invoke(sa, code, reply);
    if (err != ERR_NONE)
        return Fail(what + ": " + Explain(err));
    return 0;
}

// The same for a call whose reply starts with Int32 0: `reply` holds
// what follows.
int Query(const sptr<IRemoteObject>& sa, uint32_t code, MessageParcel& reply,
          const std::string& what)
{
    int err = Invoke(sa, code, reply);
    if (err != ERR_NONE || reply.ReadInt32() != 0)
        return Fail(what + ": " + Explain(err));
    return 0;
}

// The object such a reply carries, or null and why on stderr.
sptr<IRemoteObject> QueryObject(const sptr<IRemoteObject>& sa, uint32_t code,
                                const std::string& what, const std::string& missing)
{
    MessageParcel reply;
    if (Query(sa, code, reply, what))
        return nullptr;
    sptr<IRemoteObject> o = reply.ReadRemoteObject();
    if (!o)
        Fail(missing);
    return o;
}

// A stub of this process handed to the remote SA; answers CB_HELLO.
class Callback : public IPCObjectStub {
public:
    Callback() : IPCObjectStub(kCallbackDescriptor) {}
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        if (code != CB_HELLO)
            return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
        if (data.ReadInterfaceToken() != kCallbackDescriptor)
            return ERR_INVALID_DATA;
        std::string text = data.ReadString();
        std::lock_guard lock(mu_);
        device = IPCSkeleton::GetCallingDeviceID();
        local = IPCSkeleton::IsLocalCalling();
        calls++;
        reply.WriteString("cb:" + text + "@" + device);
        return ERR_NONE;
    }
    std::mutex mu_;
    std::string device;
    bool local = true;
    int calls = 0;
};

class DeathWatch : public IRemoteObject::DeathRecipient {
public:
    void OnRemoteDied(const wptr<IRemoteObject>&) override
    {
        std::lock_guard lock(mu_);
        died_ = true;
        cv_.notify_all();
    }
    bool Wait(std::chrono::seconds s)
    {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, s, [&] { return died_; });
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool died_ = false;
};

// --- client subcommands -------------------------------------------------------

// One echo of `size` bytes: the error code, or -2 if it came back wrong.
int EchoOnce(const sptr<IRemoteObject>& sa, std::size_t size, std::string* why)
{
    auto payload = Payload(size, uint32_t(size));
    MessageParcel reply;
    int err = Invoke(sa, ECHO, reply, [&](MessageParcel& d) {
        d.SetMaxCapacity(size + 4096);
        return d.WriteInt32(int32_t(size)) && (size == 0 || d.WriteBuffer(payload.data(), size));
    });
    if (err == -1) {
        *why = "the parcel of " + std::to_string(size) + " bytes cannot be written";
        return -1;
    }
    if (err != ERR_NONE) {
        *why = "echo of " + std::to_string(size) + " bytes: " + Explain(err);
        return err;
    }
    int32_t n = reply.ReadInt32();
    const uint8_t* p = n > 0 ? reply.ReadBuffer(std::size_t(n)) : nullptr;
    if (std::size_t(n) != size || (size && (!p || std::memcmp(p, payload.data(), size)))) {
        *why = "echo of " + std::to_string(size) + " bytes came back as " + std::to_string(n) +
               " bytes, " + (p ? "different" : "unreadable");
        return -2;
    }
    return ERR_NONE;
}

// One more echo of `size` bytes, that must work: what came before did not
// break the proxy. 0, or 1 and "after: why" on stderr.
int EchoAfter(const sptr<IRemoteObject>& sa, std::size_t size, const std::string& after)
{
    std::string why;
    if (EchoOnce(sa, size, &why) != ERR_NONE)
        return Fail(after + ": " + why);
    return 0;
}

int CmdEcho(const sptr<IRemoteObject>& sa, const std::vector<std::size_t>& sizes)
{
    std::string why;
    for (auto size : sizes) {
        auto t0 = Clock::now();
        if (EchoOnce(sa, size, &why) != ERR_NONE)
            return Fail(why);
        std::printf("rpctest: echo %zu B: byte-exact in %lld us\n", size,
                    (long long)UsSince(t0));
    }
    return 0;
}

// The largest echo that works, by bisection over [0, 2 MiB]; then one
// byte over 1 MiB must fail with RPC_ERR_PACKET_TOO_BIG.
int CmdEchoMax(const sptr<IRemoteObject>& sa)
{
    std::string why;
    std::size_t lo = 0, hi = 2u << 20;  // lo works, hi does not
    if (EchoOnce(sa, lo, &why) != ERR_NONE)
        return Fail(why);
    int hiErr = EchoOnce(sa, hi, &why);
    if (hiErr == ERR_NONE)
        return Fail("an echo of 2 MiB worked: no limit?");
    while (hi - lo > 4) {
        std::size_t mid = (lo + (hi - lo) / 2) & ~std::size_t(3);
        int err = EchoOnce(sa, mid, &why);
        if (err == ERR_NONE) {
            lo = mid;
        } else if (err == -2) {
            return Fail(why);
        } else {
            hi = mid;
            hiErr = err;
        }
    }
    std::printf("rpctest: largest echo %zu B (%zu B of data with the token and size); "
                "%zu B fails with %s\n",
                lo, lo + 56, hi, Explain(hiErr).c_str());
    // The same size once more: the failures before did not break anything.
    return EchoAfter(sa, lo, "after the failed ones");
}

// A parcel over RPC_MAX_PACKET to a remote object fails on the sender
// with RPC_ERR_PACKET_TOO_BIG; the proxy works afterwards.
int CmdTooBig(const sptr<IRemoteObject>& sa)
{
    std::string why;
    std::size_t size = (1u << 20) + 4;
    int err = EchoOnce(sa, size, &why);
    std::printf("rpctest: echo of %zu B: %s\n", size, Explain(err).c_str());
    if (err != RPC_ERR_PACKET_TOO_BIG)
        return Fail("expected " + Explain(RPC_ERR_PACKET_TOO_BIG) + ", got " + Explain(err));
    return EchoAfter(sa, 4096, "after the refused call");
}

int CmdRaw(const sptr<IRemoteObject>& sa, std::size_t size)
{
    auto payload = Payload(size, 77);
    uint32_t sum = Checksum(payload.data(), size);
    MessageParcel reply;
    auto t0 = Clock::now();
    int err = Invoke(sa, RAW, reply, [&](MessageParcel& d) {
        return d.WriteInt32(int32_t(size)) && d.WriteRawData(payload.data(), size);
    });
    auto us = UsSince(t0);
    if (err == -1)
        return Fail("WriteRawData of " + std::to_string(size) + " bytes failed");
    if (err != ERR_NONE)
        return Fail("raw data of " + std::to_string(size) + " bytes: " + Explain(err));
    int32_t n = reply.ReadInt32();
    uint32_t got = reply.ReadUint32();
    if (std::size_t(n) != size || got != sum)
        return Fail("the SA got " + std::to_string(n) + " bytes, checksum " +
                    std::to_string(got) + "; sent " + std::to_string(size) + ", checksum " +
                    std::to_string(sum));
    std::printf("rpctest: raw data %zu B: size and checksum match, %lld ms (%.1f MiB/s)\n", size,
                (long long)(us / 1000), us > 0 ? double(size) / double(us) * 1e6 / 1048576 : 0.0);
    return 0;
}

int CmdOrder(const sptr<IRemoteObject>& sa, int n)
{
    MessageParcel r0;
    if (int err = Invoke(sa, RESET, r0); err != ERR_NONE)
        return Fail("reset: " + Explain(err));
    auto t0 = Clock::now();
    for (int i = 0; i < n; i++) {
        MessageParcel r;
        int err = Invoke(sa, RECORD, r, [&](MessageParcel& d) { return d.WriteInt32(i); }, 0,
                         true);
        if (err != ERR_NONE)
            return Fail("one-way call " + std::to_string(i) + ": " + Explain(err));
    }
    auto sentUs = UsSince(t0);
    // One-way calls may still be queued when a sync call is served: ask
    // until all have arrived (bounded).
    std::vector<int32_t> got;
    auto deadline = Clock::now() + 60s;
    for (;;) {
        MessageParcel r;
        int err = Invoke(sa, GET_RECORD, r);
        if (err != ERR_NONE || r.ReadInt32() != 0 || !r.ReadInt32Vector(&got))
            return Fail("get record: " + Explain(err));
        if (int(got.size()) >= n || Clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(100ms);
    }
    if (int(got.size()) != n)
        return Fail(std::to_string(got.size()) + " of " + std::to_string(n) +
                    " one-way calls arrived");
    for (int i = 0; i < n; i++)
        if (got[std::size_t(i)] != i)
            return Fail("one-way call " + std::to_string(i) + " arrived as number " +
                        std::to_string(got[std::size_t(i)]));
    std::printf("rpctest: %d one-way calls arrived in order (sent in %lld ms, all there after "
                "%lld ms)\n",
                n, (long long)(sentUs / 1000), (long long)(UsSince(t0) / 1000));
    return 0;
}

int CmdCallback(const sptr<IRemoteObject>& sa, const std::string& nid)
{
    auto cb = MakeSptr<Callback>();
    MessageParcel reply;
    int err = Invoke(sa, CALL_BACK, reply, [&](MessageParcel& d) {
        return d.WriteRemoteObject(cb) && d.WriteString("hello");
    });
    if (err != ERR_NONE)
        return Fail("call-back call: " + Explain(err));
    int cbErr = reply.ReadInt32();
    std::string text = reply.ReadString();
    if (cbErr != ERR_NONE)
        return Fail("the SA's call of our callback failed: " + Explain(cbErr));
    std::lock_guard lock(cb->mu_);
    std::printf("rpctest: callback answered \"%s\" (calls %d, local %d)\n", text.c_str(),
                cb->calls, int(cb->local));
    if (cb->calls != 1 || text != "cb:hello@" + cb->device)
        return Fail("the callback was called " + std::to_string(cb->calls) + " times");
    if (!nid.empty() && (cb->local || cb->device != nid))
        return Fail("the callback's caller is \"" + cb->device + "\" (local " +
                    std::to_string(cb->local) + "), not the SA's device");
    return 0;
}

std::string RpcDumpText(std::string* why);

// Counts of the first line of the local rpcd's RPC_DUMP, by name.
std::optional<std::map<std::string, long>> RpcCounts()
{
    std::string why;
    std::string text = RpcDumpText(&why);
    if (text.empty())
        return std::nullopt;
    std::map<std::string, long> counts;
    std::istringstream line(text.substr(0, text.find('\n')));
    std::string word;
    while (line >> word) {
        auto eq = word.find('=');
        if (eq != std::string::npos)
            counts[word.substr(0, eq)] = std::strtol(word.c_str() + eq + 1, nullptr, 10);
    }
    return counts;
}

// Hold then drop: the SA holds our callback (B's rpcd imports it, ours
// exports it), then drops it: the stub's driver references go back to 0,
// so B released it across the devices; our rpcd's exported count is back.
int CmdRefs(const sptr<IRemoteObject>& sa)
{
    auto before = RpcCounts();
    auto cb = MakeSptr<Callback>();
    {
        MessageParcel reply;
        int err = Invoke(sa, HOLD, reply, [&](MessageParcel& d) { return d.WriteRemoteObject(cb); });
        if (err != ERR_NONE)
            return Fail("hold: " + Explain(err));
        std::printf("rpctest: the SA holds %d object(s)\n", reply.ReadInt32());
    }
    auto holding = RpcCounts();
    std::printf("rpctest: our stub: %d driver reference(s) while held\n", cb->GetDriverStrongRefs());
    if (cb->GetDriverStrongRefs() < 1)
        return Fail("nobody holds our stub through the driver while the SA holds it");
    if (before && holding)
        std::printf("rpctest: rpcd exported %ld -> %ld\n", (*before)["exported"],
                    (*holding)["exported"]);
    {
        MessageParcel reply;
        int err = Invoke(sa, DROP, reply);
        if (err != ERR_NONE)
            return Fail("drop: " + Explain(err));
        std::printf("rpctest: the SA dropped %d object(s)\n", reply.ReadInt32());
    }
    auto deadline = Clock::now() + 30s;
    while (cb->GetDriverStrongRefs() > 0 && Clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    if (cb->GetDriverStrongRefs() > 0)
        return Fail("our stub still has " + std::to_string(cb->GetDriverStrongRefs()) +
                    " driver reference(s) 30 s after the SA dropped it");
    auto after = RpcCounts();
    while (after && before && (*after)["exported"] != (*before)["exported"] &&
           Clock::now() < deadline) {
        std::this_thread::sleep_for(100ms);
        after = RpcCounts();
    }
    if (before && after) {
        std::printf("rpctest: rpcd exported back to %ld (was %ld)\n", (*after)["exported"],
                    (*before)["exported"]);
        if ((*after)["exported"] != (*before)["exported"])
            return Fail("rpcd's exported count did not return to its baseline");
    }
    std::printf("rpctest: our stub is released: no driver reference left\n");

    // The other way: an object of the SA's that we hold, then drop; the
    // SA's process must destroy it.
    auto anonLive = [&]() -> int {
        MessageParcel r;
        if (Invoke(sa, ANON_LIVE, r) != ERR_NONE || r.ReadInt32() != 0)
            return -1;
        return r.ReadInt32();
    };
    int live0 = anonLive();
    {
        MessageParcel reply;
        int err = Invoke(sa, ANON, reply);
        sptr<IRemoteObject> anon = err == ERR_NONE && reply.ReadInt32() == 0
                                       ? reply.ReadRemoteObject()
                                       : nullptr;
        if (!anon)
            return Fail("anon: " + Explain(err));
        int live1 = anonLive();
        std::printf("rpctest: we hold an object of the SA's: it has %d (was %d)\n", live1, live0);
        if (live1 != live0 + 1)
            return Fail("the SA's object count did not go up while we hold one");
    }  // our last proxy of it goes
    int live = anonLive();
    while (live != live0 && Clock::now() < deadline + 30s) {
        std::this_thread::sleep_for(50ms);
        live = anonLive();
    }
    std::printf("rpctest: we dropped it: the SA has %d (was %d)\n", live, live0);
    if (live != live0)
        return Fail("the SA still has the object we dropped");
    return 0;
}

int CmdIdentity(const sptr<IRemoteObject>& sa, const std::string& nid)
{
    MessageParcel reply;
    if (Query(sa, IDENTITY, reply, "identity"))
        return 1;
    std::string device = reply.ReadString();
    bool local = reply.ReadBool();
    int32_t pid = reply.ReadInt32();
    uint32_t uid = reply.ReadUint32();
    std::string there = reply.ReadString();
    int32_t remotePid = reply.ReadInt32();
    uint32_t remoteUid = reply.ReadUint32();
    std::string here = IPCSkeleton::GetLocalDeviceID();
    std::printf("rpctest: the SA sees calling device \"%s\", IsLocalCalling %d, pid %d, uid %d, "
                "remote pid %d, remote uid %u; its device %s, ours %s\n",
                device.c_str(), int(local), pid, int(uid), remotePid, remoteUid, there.c_str(),
                here.c_str());
    if (nid.empty()) {
        if (!local || !device.empty() || pid != getpid())
            return Fail("a local call should look local, with our pid");
        return 0;
    }
    if (local || device != here || here.empty())
        return Fail("the SA should see a remote call from this device (" + here + ")");
    if (there != nid)
        return Fail("the SA's GetLocalDeviceID is not the device we asked for");
    if (pid != -1 || uid != uint32_t(-1))
        return Fail("a remote caller's pid and uid should read -1");
    if (remotePid != getpid() || remoteUid != uint32_t(getuid()))
        return Fail("GetCallingRemotePid/Uid should be ours as this device reports them");
    return 0;
}

// The wait time: MessageOption's 1 s against a 3 s sleep.
int CmdTimeout(const sptr<IRemoteObject>& sa)
{
    MessageParcel reply;
    auto t0 = Clock::now();
    int err = Invoke(sa, SLEEP, reply, [](MessageParcel& d) { return d.WriteInt32(3000); }, 1);
    auto ms = UsSince(t0) / 1000;
    std::printf("rpctest: wait time 1 s, the SA sleeps 3 s: %s after %lld ms\n",
                Explain(err).c_str(), (long long)ms);
    if (err != RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT)
        return Fail("expected " + Explain(RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT));
    // The default wait time still gets the late sleeper's successors through.
    MessageParcel r2;
    err = Invoke(sa, SLEEP, r2, [](MessageParcel& d) { return d.WriteInt32(10); });
    if (err != ERR_NONE)
        return Fail("a call after the timeout: " + Explain(err));
    return 0;
}

// Calls to the SA's device with what may not cross: fds, ashmem.
int CmdFd(const sptr<IRemoteObject>& sa)
{
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    MessageParcel r1;
    int err = Invoke(sa, ECHO, r1, [&](MessageParcel& d) {
        return d.WriteInt32(0) && d.WriteFileDescriptor(fd);
    });
    ::close(fd);
    std::printf("rpctest: a call with a file descriptor: %s\n", Explain(err).c_str());
    if (err != RPC_ERR_FD_NOT_ALLOWED)
        return Fail("fd: expected " + Explain(RPC_ERR_FD_NOT_ALLOWED));
    auto shm = Ashmem::CreateAshmem("rpctest", 4096);
    if (!shm)
        return Fail("cannot create ashmem");
    MessageParcel r2;
    err = Invoke(sa, ECHO, r2, [&](MessageParcel& d) {
        return d.WriteInt32(0) && d.WriteAshmem(shm);
    });
    std::printf("rpctest: a call with ashmem: %s\n", Explain(err).c_str());
    if (err != RPC_ERR_FD_NOT_ALLOWED)
        return Fail("ashmem: expected " + Explain(RPC_ERR_FD_NOT_ALLOWED));
    return EchoAfter(sa, 16, "after the refused calls");
}

// A remote SA's proxy passed on: back to its own device (to the SA), and
// to another process here (SA `localSaid` on this device). Either
// WriteRemoteObject refuses or the call fails with
// RPC_ERR_PROXY_NOT_TRANSFERABLE.
int PassOn(const sptr<IRemoteObject>& to, const sptr<IRemoteObject>& what, const char* where)
{
    MessageParcel reply;
    bool written = true;
    int err = Invoke(to, HOLD, reply, [&](MessageParcel& d) {
        written = d.WriteRemoteObject(what);
        return true;
    });
    if (!written) {
        std::printf("rpctest: %s: WriteRemoteObject refused the remote proxy\n", where);
        return 0;
    }
    std::printf("rpctest: %s: %s\n", where, Explain(err).c_str());
    if (err != RPC_ERR_PROXY_NOT_TRANSFERABLE)
        return Fail(std::string(where) + ": expected WriteRemoteObject false or " +
                    Explain(RPC_ERR_PROXY_NOT_TRANSFERABLE));
    return 0;
}

int CmdPassOn(const sptr<IRemoteObject>& sa, int32_t localSaid)
{
    std::string why;
    if (PassOn(sa, sa, "back to the SA's device"))
        return 1;
    if (localSaid >= 0) {
        auto local = GetSa("", localSaid, &why);
        if (!local)
            return Fail(why);
        if (PassOn(local, sa, "to another process here"))
            return 1;
        // The callback object the other device sent is a remote proxy too.
    }
    return EchoAfter(sa, 16, "after the refused calls");
}

// AddDeathRecipient: true on the SA's proxy (registered with samgr),
// false on an anonymous object it returns; the SA's own
// AddDeathRecipient on our anonymous callback is false too.
int CmdAnonDeath(const sptr<IRemoteObject>& sa, const std::string& nid)
{
    auto watch = MakeSptr<DeathWatch>();
    bool onSa = sa->AddDeathRecipient(watch);
    std::printf("rpctest: AddDeathRecipient on the SA's proxy: %s\n", onSa ? "true" : "false");
    if (!onSa)
        return Fail("AddDeathRecipient on a registered SA's proxy should be true");
    sa->RemoveDeathRecipient(watch);
    sptr<IRemoteObject> anon =
        QueryObject(sa, ANON, "anon", "the SA's anonymous object did not arrive");
    if (!anon)
        return 1;
    bool onAnon = anon->AddDeathRecipient(watch);
    std::printf("rpctest: AddDeathRecipient on an anonymous object from there: %s\n",
                onAnon ? "true" : "false");
    if (onAnon)
        return Fail("AddDeathRecipient on an anonymous remote object should be false");
    MessageParcel d, r;
    MessageOption o;
    if (int e = anon->SendRequest(NOP, d, r, o); e != ERR_NONE)
        return Fail("a call on the anonymous object: " + Explain(e));
    auto cb = MakeSptr<Callback>();
    MessageParcel r2;
    int err = Invoke(sa, HOLD, r2, [&](MessageParcel& dd) { return dd.WriteRemoteObject(cb); });
    if (err != ERR_NONE)
        return Fail("hold: " + Explain(err));
    r2.ReadInt32();
    bool there = r2.ReadBool();
    std::printf("rpctest: the SA's AddDeathRecipient on our anonymous callback: %s\n",
                there ? "true" : "false");
    MessageParcel r3;
    Invoke(sa, DROP, r3);
    if (there && !nid.empty())
        return Fail("AddDeathRecipient on our anonymous stub, from there, should be false");
    return 0;
}

// Death of the SA: AddDeathRecipient, then either tell the SA to exit
// (`exit`) or wait while something else ends it (`wait`: the SA's
// process killed, the device powered off); OnRemoteDied must come, and a
// later call must fail with ERR_DEAD_OBJECT.
int CmdDeath(const sptr<IRemoteObject>& sa, int32_t said, const std::string& how, int seconds)
{
    auto watch = MakeSptr<DeathWatch>();
    if (!sa->AddDeathRecipient(watch))
        return Fail("AddDeathRecipient on the SA's proxy is false");
    if (how == "exit" && CallOk(sa, EXIT, "exit"))
        return 1;
    auto t0 = Clock::now();
    std::printf("rpctest: watching SA %d\n", said);
    std::fflush(stdout);
    if (!watch->Wait(std::chrono::seconds(seconds)))
        return Fail("no OnRemoteDied within " + std::to_string(seconds) + " s");
    std::printf("rpctest: OnRemoteDied after %lld ms; IsObjectDead %d\n",
                (long long)(UsSince(t0) / 1000), int(sa->IsObjectDead()));
    MessageParcel reply;
    int err = Invoke(sa, NOP, reply);
    std::printf("rpctest: a call after the death: %s\n", Explain(err).c_str());
    if (err != ERR_DEAD_OBJECT)
        return Fail("a call on the dead proxy should fail with " + Explain(ERR_DEAD_OBJECT));
    return 0;
}

// samgr of the SA's device, as the SA returns it: its calls are refused
// to a remote caller with RPC_ERR_CALLER_NOT_AUTHORIZED (samgr's reply
// framing: Int32 result, String why), raw and through iface_cast.
int CmdSamgr(const sptr<IRemoteObject>& sa, int32_t said)
{
    sptr<IRemoteObject> samgr = QueryObject(sa, SAMGR, "samgr", "samgr's object did not arrive");
    if (!samgr)
        return 1;
    int status = 0;
    for (uint32_t code : {ISystemAbilityManager::LIST_SYSTEM_ABILITY_TRANSACTION,
                          ISystemAbilityManager::CHECK_SYSTEM_ABILITY_TRANSACTION,
                          ISystemAbilityManager::REMOVE_SYSTEM_ABILITY_TRANSACTION}) {
        MessageParcel d, r;
        MessageOption o;
        d.WriteInterfaceToken(u"OHOS.ISystemAbilityManager");
        d.WriteInt32(said);
        int e = samgr->SendRequest(code, d, r, o);
        int32_t result = e;
        std::string text;
        if (e == ERR_NONE && (!r.ReadInt32(result) || !r.ReadString(text)))
            result = ERR_INVALID_REPLY;
        std::printf("rpctest: samgr's call %u from here: %s %s\n", code, Explain(result).c_str(),
                    text.c_str());
        if (result != RPC_ERR_CALLER_NOT_AUTHORIZED) {
            std::fprintf(stderr, "rpctest: samgr's call %u: expected %s\n", code,
                         Explain(RPC_ERR_CALLER_NOT_AUTHORIZED).c_str());
            status = 1;
        }
    }
    sptr<ISystemAbilityManager> proxy = iface_cast<ISystemAbilityManager>(samgr);
    if (!proxy)
        return Fail("iface_cast<ISystemAbilityManager> of samgr's remote object gave null");
    std::vector<SystemAbilityInfo> infos;
    int e = proxy->ListSystemAbilityInfos(infos);
    std::printf("rpctest: ListSystemAbilityInfos through iface_cast: %s, %zu SAs; %s\n",
                Explain(e).c_str(), infos.size(), proxy->GetLastError().c_str());
    if (e != RPC_ERR_CALLER_NOT_AUTHORIZED || !infos.empty()) {
        std::fprintf(stderr, "rpctest: ListSystemAbilityInfos: expected %s and nothing\n",
                     Explain(RPC_ERR_CALLER_NOT_AUTHORIZED).c_str());
        status = 1;
    }
    // SA `said` is still there: nothing samgr refused took effect.
    if (EchoAfter(sa, 16, "after samgr's refusals"))
        return 1;
    return status;
}

// GetSystemAbility or CheckSystemAbility of SAID on NID fails with CODE.
int CmdExpectGet(const std::string& nid, int32_t said, int code, bool check)
{
    auto samgr = Samgr();
    if (!samgr)
        return Fail("no samgr");
    sptr<IRemoteObject> sa = check ? samgr->CheckSystemAbility(said, nid)
                                   : samgr->GetSystemAbility(said, nid);
    std::printf("rpctest: %s(%d, %.12s): %s, %s\n",
                check ? "CheckSystemAbility" : "GetSystemAbility", said, nid.c_str(),
                sa ? "an object" : "null", LastError(*samgr).c_str());
    if (sa)
        return Fail("expected null and " + Explain(code));
    if (samgr->GetLastErrorCode() != code)
        return Fail("expected " + Explain(code));
    if (samgr->GetLastError().empty())
        return Fail("GetLastError() does not say why");
    return 0;
}

class LoadCallback : public SystemAbilityLoadCallback {
public:
    void OnLoadSystemAbilitySuccess(int32_t, const sptr<IRemoteObject>& object) override
    {
        std::lock_guard lock(mu_);
        done_ = true;
        object_ = object;
        cv_.notify_all();
    }
    void OnLoadSystemAbilityFail(int32_t, int32_t error, const std::string& why) override
    {
        std::lock_guard lock(mu_);
        done_ = true;
        error_ = error;
        why_ = why;
        cv_.notify_all();
    }
    bool Wait(std::chrono::seconds s)
    {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, s, [&] { return done_; });
    }
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    sptr<IRemoteObject> object_;
    int error_ = 0;
    std::string why_;
};

// SAID on NID is an on-demand SA that is not running: LoadSystemAbility
// with a callback, and at once GetSystemAbility (which waits while it
// loads); both give a working proxy.
int CmdLoad(const std::string& nid, int32_t said)
{
    auto samgr = Samgr();
    if (!samgr)
        return Fail("no samgr");
    if (sptr<IRemoteObject> running = samgr->CheckSystemAbility(said, nid))
        return Fail("SA " + std::to_string(said) + " is already running there");
    std::printf("rpctest: CheckSystemAbility before loading: null, %s\n",
                LastError(*samgr).c_str());
    auto cb = MakeSptr<LoadCallback>();
    auto t0 = Clock::now();
    if (!samgr->LoadSystemAbility(said, nid, cb))
        return Fail("LoadSystemAbility: " + LastError(*samgr));
    // The load request travels on its own (the callback's thread): until
    // samgr there has started it, a Get finds "not registered" (526);
    // once it has, a Get waits for the SA (which takes its time to
    // register: --delay-ms). Asked again while 526, up to 20 s.
    sptr<IRemoteObject> got;
    int early = 0;
    for (;;) {
        auto t1 = Clock::now();
        got = samgr->GetSystemAbility(said, nid);
        if (got) {
            std::printf("rpctest: GetSystemAbility during the load: an object after %lld ms "
                        "(this Get waited %lld ms; %d earlier ones: not registered yet)\n",
                        (long long)(UsSince(t0) / 1000), (long long)(UsSince(t1) / 1000), early);
            break;
        }
        if (samgr->GetLastErrorCode() != RPC_ERR_NO_SYSTEM_ABILITY || UsSince(t0) > 20000000)
            return Fail("GetSystemAbility while it loads: " + LastError(*samgr));
        early++;
        std::this_thread::sleep_for(50ms);
    }
    {
        std::lock_guard lock(cb->mu_);
        if (cb->done_)
            std::printf("rpctest: (the load callback came first)\n");
    }
    if (EchoAfter(got, 1024, "a call on GetSystemAbility's proxy"))
        return 1;
    if (!cb->Wait(60s))
        return Fail("the load callback was not called within 60 s");
    std::lock_guard lock(cb->mu_);
    if (!cb->object_)
        return Fail("OnLoadSystemAbilityFail: " + Explain(cb->error_) + ": " + cb->why_);
    std::printf("rpctest: OnLoadSystemAbilitySuccess after %lld ms\n",
                (long long)(UsSince(t0) / 1000));
    return EchoAfter(cb->object_, 1024, "a call on the callback's proxy");
}

int CmdBench(const sptr<IRemoteObject>& sa, const std::string& nid, int n)
{
    std::vector<int64_t> rtts;
    for (int i = 0; i < n + n / 10; i++) {
        MessageParcel d, r;
        MessageOption o;
        auto t0 = Clock::now();
        int err = sa->SendRequest(NOP, d, r, o);
        auto us = UsSince(t0);
        if (err != ERR_NONE)
            return Fail("null call " + std::to_string(i) + ": " + Explain(err));
        if (i >= n / 10)  // the first tenth warms up
            rtts.push_back(us);
    }
    std::printf("bench: %s rtt_us %lld p90_us %lld calls %zu\n", nid.empty() ? "binder" : "rpc",
                (long long)Quantile(rtts, 0.5), (long long)Quantile(rtts, 0.9), rtts.size());
    return 0;
}

// The local rpcd's RPC_DUMP text, or "" (and `why`).
std::string RpcDumpText(std::string* why)
{
    auto samgr = Samgr();
    if (!samgr) {
        *why = "no samgr";
        return {};
    }
    sptr<IRemoteObject> rpcd = samgr->CheckSystemAbility(detail::RPC_SA_ID);
    if (!rpcd) {
        *why = "rpcd (SA " + std::to_string(detail::RPC_SA_ID) + ") is not running";
        return {};
    }
    MessageParcel d, r;
    MessageOption o;
    d.WriteInterfaceToken(detail::RPC_SERVICE_DESCRIPTOR);
    int err = rpcd->SendRequest(detail::RPC_DUMP, d, r, o);
    int32_t result = r.ReadInt32();
    std::string error = r.ReadString();
    if (err != ERR_NONE || result != ERR_NONE) {
        *why = "RPC_DUMP: " + Explain(err != ERR_NONE ? err : result) + " " + error;
        return {};
    }
    return r.ReadString();
}

int CmdRpcDump()
{
    std::string why;
    std::string text = RpcDumpText(&why);
    if (text.empty())
        return Fail(why);
    std::fputs(text.c_str(), stdout);
    if (text.back() != '\n')
        std::fputc('\n', stdout);
    return 0;
}

// The SA's EXIT call: for the scripts' cleanup.
int CmdStop(const sptr<IRemoteObject>& sa)
{
    return CallOk(sa, EXIT, "exit");
}

// A soft bus session of our own to the device's rpcd session server
// ("ipckit.rpc"), as any process of a trusted device could open one:
// random messages, malformed packets and TRANSACTIONs to guessed stub
// indices, then the session closes. The device's rpcd must drop what is
// malformed, answer nothing for indices it never exported to us, and
// keep serving the proxy we got through our own rpcd (SAID), which must
// not hear of any death.
class RogueInbox : public softbus::SessionListener {
public:
    void OnBytesReceived(softbus::SessionId, std::span<const uint8_t> data) override
    {
        std::lock_guard lock(mu_);
        got_.emplace_back(data.begin(), data.end());
    }
    std::vector<std::vector<uint8_t>> Take()
    {
        std::lock_guard lock(mu_);
        return std::exchange(got_, {});
    }

private:
    std::mutex mu_;
    std::vector<std::vector<uint8_t>> got_;
};

int CmdRogue(const sptr<IRemoteObject>& sa, const std::string& nid, int n)
{
    std::string why;
    auto watch = MakeSptr<DeathWatch>();
    if (!sa->AddDeathRecipient(watch))
        return Fail("AddDeathRecipient on the SA's proxy is false");
    if (EchoOnce(sa, 64, &why) != ERR_NONE)
        return Fail(why);
    auto bus = softbus::SoftBus::Connect();
    if (!bus)
        return Fail("soft bus: " + bus.error().message);
    auto inbox = std::make_shared<RogueInbox>();
    auto sid = (*bus)->Bind(nid, "ipckit.rpc", inbox);
    if (!sid) {
        std::printf("rpctest: our own session to rpcd there was refused: %s (code %d)\n",
                    sid.error().message.c_str(), sid.error().code);
    } else {
        std::mt19937 rng(12345);
        int sent = 0;
        auto send = [&](const std::vector<uint8_t>& m) {
            if ((*bus)->Send(*sid, m))
                sent++;
        };
        for (int i = 0; i < n; i++) {
            std::vector<uint8_t> m(1 + rng() % 2048);
            for (auto& b : m)
                b = uint8_t(rng());
            if (i % 3 == 0 && m.size() >= rpc::RPC_HEADER_SIZE) {
                // Past the magic check: the right magic, version, a type.
                uint32_t magic = rpc::RPC_MAGIC;
                std::memcpy(m.data(), &magic, 4);
                m[4] = uint8_t(rpc::RPC_VERSION);
                m[5] = 0;
                m[6] = uint8_t(1 + rng() % 9);
                m[7] = 0;
            }
            send(m);
        }
        // Well-formed calls to indices we were never given.
        std::vector<uint64_t> guesses = {0, 1, 2, 3, uint64_t(-1), uint64_t(rng()) << 32 | rng()};
        uint64_t seq = 1000;
        for (uint64_t index : guesses) {
            rpc::Packet p;
            p.type = rpc::PacketType::TRANSACTION;
            p.seq = seq++;
            p.stubIndex = index;
            p.code = NOP;
            p.callerPid = int32_t(getpid());
            p.callerUid = uint32_t(getuid());
            std::string bad;
            auto bytes = rpc::EncodePacket(p, &bad);
            if (bytes.empty())
                return Fail("cannot encode a TRANSACTION: " + bad);
            send(bytes);
        }
        // What came back: only REPLYs that refuse, never a success.
        std::this_thread::sleep_for(1s);
        int refusals = 0;
        for (const auto& m : inbox->Take()) {
            rpc::Packet r;
            std::string bad;
            if (!rpc::DecodePacket(m, r, bad))
                return Fail("rpcd there answered with a malformed packet: " + bad);
            if (r.type == rpc::PacketType::REPLY && r.status == ERR_NONE)
                return Fail("rpcd there served a guessed stub index (seq " +
                            std::to_string(r.seq) + ")");
            refusals++;
        }
        std::printf("rpctest: %d messages sent on our own session (%d random, %zu guessed "
                    "indices); %d refusals came back\n",
                    sent, n, guesses.size(), refusals);
        (void)(*bus)->Shutdown(*sid);
    }
    // Our rpcd's proxy: alive, working, not told of any death.
    std::this_thread::sleep_for(1s);
    if (EchoAfter(sa, 64, "after our own session: the SA's proxy through rpcd"))
        return 1;
    if (watch->Wait(0s))
        return Fail("after our own session closed, the SA's proxy heard OnRemoteDied");
    std::printf("rpctest: the SA's proxy (through rpcd) still works, no death heard\n");
    return 0;
}

// A session of our own that tries to take all of the device's rpcd
// workers: it gets the SA there itself (GET_SA) and sends `n` calls that
// sleep `ms` each. rpcd must give one session only its share (the rest
// answered RPC_ERR_BUSY at once), so a call through our own rpcd's
// session is served while the hog's calls still sleep: it returns before
// any of them has.
int CmdHog(const sptr<IRemoteObject>& sa, const std::string& nid, int32_t said, int n, int ms)
{
    auto bus = softbus::SoftBus::Connect();
    if (!bus)
        return Fail("soft bus: " + bus.error().message);
    auto inbox = std::make_shared<RogueInbox>();
    auto sid = (*bus)->Bind(nid, "ipckit.rpc", inbox);
    if (!sid)
        return Fail("our own session to rpcd there: " + sid.error().message);
    std::vector<rpc::Packet> replies;
    auto collect = [&](rpc::PacketType type, std::size_t want, std::chrono::seconds limit) {
        auto deadline = Clock::now() + limit;
        for (;;) {
            for (const auto& m : inbox->Take()) {
                rpc::Packet r;
                std::string bad;
                if (rpc::DecodePacket(m, r, bad) && r.type == type) {
                    // Keep the decoded fields only: the bytes go with `m`.
                    r.body = {};
                    replies.push_back(r);
                }
            }
            if (replies.size() >= want || Clock::now() >= deadline)
                return;
            std::this_thread::sleep_for(20ms);
        }
    };
    auto send = [&](const rpc::Packet& p) {
        std::string bad;
        auto bytes = rpc::EncodePacket(p, &bad);
        return !bytes.empty() && (*bus)->Send(*sid, bytes);
    };
    rpc::Packet get;
    get.type = rpc::PacketType::GET_SA;
    get.seq = 1;
    get.said = said;
    get.mode = detail::RPC_MODE_CHECK;
    if (!send(get))
        return Fail("cannot send GET_SA on our own session");
    collect(rpc::PacketType::SA_REPLY, 1, 20s);
    if (replies.empty() || replies[0].status != ERR_NONE)
        return Fail("GET_SA on our own session was not answered with the SA");
    const uint64_t index = replies[0].stubIndex;
    replies.clear();

    MessageParcel body;
    if (!body.WriteInterfaceToken(kDescriptor) || !body.WriteInt32(ms))
        return Fail("cannot build the SLEEP call");
    for (int i = 0; i < n; i++) {
        rpc::Packet p;
        p.type = rpc::PacketType::TRANSACTION;
        p.seq = 100 + uint64_t(i);
        p.stubIndex = index;
        p.code = SLEEP;
        p.body.data = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.GetData()),
                                               body.GetDataSize());
        if (!send(p))
            return Fail("cannot send call " + std::to_string(i) + " on our own session");
    }
    std::this_thread::sleep_for(500ms);  // let them reach the workers first
    std::string why;
    int err = EchoOnce(sa, 64, &why);
    collect(rpc::PacketType::REPLY, 0, 0s);
    int served = 0, busy = 0;
    for (auto& r : replies)
        (r.status == ERR_NONE ? served : busy) += r.status == ERR_NONE || r.status == RPC_ERR_BUSY;
    if (err != ERR_NONE)
        return Fail("a call through our rpcd while the hog waits: " + why);
    if (served > 0)
        return Fail("our call waited for the hog: " + std::to_string(served) +
                    " of its sleeping calls had finished first");
    if (busy == 0)
        return Fail("rpcd there queued all " + std::to_string(n) + " of the hog's calls");
    collect(rpc::PacketType::REPLY, std::size_t(n), std::chrono::seconds(ms / 1000 * 4 + 30));
    served = busy = 0;
    for (auto& r : replies)
        (r.status == ERR_NONE ? served : busy) += r.status == ERR_NONE || r.status == RPC_ERR_BUSY;
    (void)(*bus)->Shutdown(*sid);
    if (served + busy != n)
        return Fail("the hog's " + std::to_string(n) + " calls got " + std::to_string(served) +
                    " answers and " + std::to_string(busy) + " refusals");
    std::printf("rpctest: a hog's %d sleeping calls: %d served, %d refused with RPC_ERR_BUSY; "
                "our call through rpcd was served before any of them finished\n",
                n, served, busy);
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    const tools::Args a(argc, argv);
    if (a.cmd == "serve" && a.n >= 2) {
        bool distributed = true;
        int delay = 0;
        for (std::size_t i = 2; i < a.n; i++) {
            if (a[i] == "--local")
                distributed = false;
            else if (a[i] == "--delay-ms" && i + 1 < a.n)
                delay = a.Num(++i);
            else
                return tools::Usage(kUsage);
        }
        return CmdServe(a.Num(1), distributed, delay);
    }
    if (a.cmd == "rpc-dump" && a.n == 1)
        return CmdRpcDump();
    if (a.n < 3)
        return tools::Usage(kUsage);
    const std::string nid = Nid(a[1]);
    const int32_t said = a.Num(2);
    // The client subcommands on the SA (all but expect-get and load): it
    // is got here (GetSa: retried while the device links), then checked.
    auto onSa = [&](const std::function<int(const sptr<IRemoteObject>&)>& check) {
        std::string why;
        auto sa = GetSa(nid, said, &why);
        return sa ? check(sa) : Fail(why);
    };
    if (a.cmd == "echo" && a.n >= 4) {
        std::vector<std::size_t> sizes;
        for (std::size_t i = 3; i < a.n; i++)
            sizes.push_back(a.Size(i));
        return onSa([&](auto& sa) { return CmdEcho(sa, sizes); });
    }
    if (a.cmd == "echo-max" && a.n == 3)
        return onSa(CmdEchoMax);
    if (a.cmd == "too-big" && a.n == 3)
        return onSa(CmdTooBig);
    if (a.cmd == "raw" && a.n == 4)
        return onSa([&](auto& sa) { return CmdRaw(sa, a.Size(3)); });
    if (a.cmd == "order" && a.n == 4)
        return onSa([&](auto& sa) { return CmdOrder(sa, a.Num(3)); });
    if (a.cmd == "callback" && a.n == 3)
        return onSa([&](auto& sa) { return CmdCallback(sa, nid); });
    if (a.cmd == "refs" && a.n == 3)
        return onSa(CmdRefs);
    if (a.cmd == "identity" && a.n == 3)
        return onSa([&](auto& sa) { return CmdIdentity(sa, nid); });
    if (a.cmd == "timeout" && a.n == 3)
        return onSa(CmdTimeout);
    if (a.cmd == "fd" && a.n == 3)
        return onSa(CmdFd);
    if (a.cmd == "pass-on" && (a.n == 3 || a.n == 4))
        return onSa([&](auto& sa) { return CmdPassOn(sa, a.n == 4 ? a.Num(3) : -1); });
    if (a.cmd == "anon-death" && a.n == 3)
        return onSa([&](auto& sa) { return CmdAnonDeath(sa, nid); });
    if (a.cmd == "death" && (a.n == 4 || a.n == 5) && (a[3] == "exit" || a[3] == "wait"))
        return onSa([&](auto& sa) { return CmdDeath(sa, said, a[3], a.n == 5 ? a.Num(4) : 60); });
    if (a.cmd == "samgr" && a.n == 3)
        return onSa([&](auto& sa) { return CmdSamgr(sa, said); });
    if (a.cmd == "expect-get" && (a.n == 4 || (a.n == 5 && a[4] == "check")))
        return CmdExpectGet(nid, said, a.Num(3), a.n == 5);
    if (a.cmd == "load" && a.n == 3)
        return CmdLoad(nid, said);
    if (a.cmd == "bench" && (a.n == 3 || a.n == 4))
        return onSa([&](auto& sa) { return CmdBench(sa, nid, a.n == 4 ? a.Num(3) : 1000); });
    if (a.cmd == "hog" && a.n == 5)
        return onSa([&](auto& sa) { return CmdHog(sa, nid, said, a.Num(3), a.Num(4)); });
    if (a.cmd == "rogue" && a.n == 4)
        return onSa([&](auto& sa) { return CmdRogue(sa, nid, a.Num(3)); });
    if (a.cmd == "stop" && a.n == 3)
        return onSa(CmdStop);
    return tools::Usage(kUsage);
}
