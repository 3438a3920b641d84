// SPDX-License-Identifier: Apache-2.0
//
// kv_client: the demo's client, the story `make run` tells. With samgr
// running (and kv_service configured for on-demand start), it
//   1. has samgr start the KV store on demand (LoadSystemAbility),
//   2. makes a synchronous PUT/GET round trip,
//   3. watches the store with a callback object and hears one-way changes,
//   4. sends 16 MiB through shared memory and checks the service's sum,
//   5. kills the service and hears of it twice: its proxy's death
//      recipient, and samgr's OnRemoveSystemAbility; samgr has dropped it.
// One line per step on stdout; on any failure a line on stderr and exit 1.
//
// With --device NETWORKID (the second act of `make run`) the store is on
// another device, reached through rpcd: step 1 loads it there
// (LoadSystemAbility(id, networkId, callback)), steps 2-4 are the same
// calls across devices (the observer's calls come back from the other
// device, the 16 MiB go as raw data in chunks), and step 5 waits for that
// device to go away (powered off) and hears OnRemoteDied; a later call
// fails with ERR_DEAD_OBJECT.
//
//   kv_client [-d DEVICE] [--sa ID] [--device NETWORKID [--wait-gone SECONDS]]
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <ipckit/ipc_kit.h>
#include <ipckit/iservice_registry.h>

#include "kv_store.h"

namespace kvdemo {
namespace {

using namespace ipckit;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = 5s;  // for anything that arrives asynchronously
constexpr int kLoadTimeoutS = 10;
constexpr int kAsyncPuts = 5;
constexpr int32_t kBlobSize = 16 << 20;

[[noreturn]] void Fail(int step, const std::string& what)
{
    std::fflush(stdout);
    std::fprintf(stderr, "[client] step %d FAILED: %s\n", step, what.c_str());
    std::exit(1);
}

std::string Error(int err)
{
    return std::string(ErrorString(err)) + " (" + std::to_string(err) + ")";
}

double MsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The callback object the client hands the store (WATCH): a local stub
// whose ON_CHANGED calls arrive one-way on this process's IPC threads.
class Observer : public IRemoteStub<IKvObserver> {
public:
    void OnChanged(const std::string& key, const std::string& value) override
    {
        std::lock_guard<std::mutex> guard(lock_);
        heard_.emplace_back(key, value);
        changed_.notify_all();
    }

    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        if (code != ON_CHANGED)
            return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
        std::string key, value;
        if (data.ReadInterfaceToken() != GetDescriptor() || !data.ReadString(key) ||
            !data.ReadString(value))
            return ERR_INVALID_DATA;
        OnChanged(key, value);
        return ERR_NONE;
    }

    // What was heard once `count` changes arrived, or by the deadline.
    std::vector<std::pair<std::string, std::string>> WaitFor(std::size_t count)
    {
        std::unique_lock<std::mutex> guard(lock_);
        changed_.wait_for(guard, kDeadline, [&] { return heard_.size() >= count; });
        return heard_;
    }

private:
    std::mutex lock_;
    std::condition_variable changed_;
    std::vector<std::pair<std::string, std::string>> heard_;
};

// A one-shot event another thread signals: a death, an SA's removal.
class Event {
public:
    void Signal()
    {
        std::lock_guard<std::mutex> guard(lock_);
        set_ = true;
        cv_.notify_all();
    }
    bool Wait() { return WaitFor(kDeadline); }
    bool WaitFor(std::chrono::milliseconds deadline)
    {
        std::unique_lock<std::mutex> guard(lock_);
        return cv_.wait_for(guard, deadline, [this] { return set_; });
    }

private:
    std::mutex lock_;
    std::condition_variable cv_;
    bool set_ = false;
};

class DeathWatcher : public IRemoteObject::DeathRecipient {
public:
    void OnRemoteDied(const wptr<IRemoteObject>&) override { died.Signal(); }
    Event died;
};

// samgr's subscriber callbacks, for one SA id.
class StatusListener : public SystemAbilityStatusChangeStub {
public:
    explicit StatusListener(int32_t id) : id_(id) {}
    void OnAddSystemAbility(int32_t id, const std::string&) override
    {
        if (id == id_)
            added.Signal();
    }
    void OnRemoveSystemAbility(int32_t id, const std::string&) override
    {
        if (id == id_)
            removed.Signal();
    }
    Event added, removed;

private:
    const int32_t id_;
};

// The process that registered SA `id`, as samgr reports it; 0 if none.
pid_t OwnerOf(const sptr<ISystemAbilityManager>& samgr, int32_t id)
{
    std::vector<SystemAbilityInfo> infos;
    if (samgr->ListSystemAbilityInfos(infos) != ERR_NONE)
        return 0;
    for (const auto& info : infos) {
        if (info.id == id)
            return info.pid;
    }
    return 0;
}

struct Demo {
    int32_t id = KV_STORE_SA_ID;
    std::string networkId;  // "" for this device
    int waitGoneS = 300;
    sptr<ISystemAbilityManager> samgr;
    sptr<IKvStore> store;
    pid_t servicePid = 0;
};

void LoadOnDemand(Demo& d)
{
    const bool running = d.samgr->CheckSystemAbility(d.id) != nullptr;
    auto start = Clock::now();
    sptr<IRemoteObject> object = d.samgr->LoadSystemAbility(d.id, kLoadTimeoutS);
    double ms = MsSince(start);
    if (!object) {
        std::string why = d.samgr->GetLastError();
        Fail(1, "LoadSystemAbility(" + std::to_string(d.id) + ") gave null: " +
                    (why.empty() ? "samgr gave no reason" : why));
    }
    std::u16string descriptor = object->GetInterfaceDescriptor();
    if (descriptor != IKvStore::GetDescriptor())
        Fail(1, "SA " + std::to_string(d.id) + " is '" + Utf16ToUtf8(descriptor) + "', not " +
                    Utf16ToUtf8(IKvStore::GetDescriptor()));
    d.store = iface_cast<IKvStore>(object);
    d.servicePid = OwnerOf(d.samgr, d.id);
    if (!d.store || d.servicePid <= 1 || d.servicePid == getpid())
        Fail(1, "samgr lists no owner process for SA " + std::to_string(d.id));
    std::printf("[client] 1 LoadSystemAbility(%d): samgr %s kv_service, pid %d, in %.0f ms\n",
                d.id, running ? "already had" : "started", d.servicePid, ms);
}

// Hears how a remote LoadSystemAbility ended.
class LoadWaiter : public SystemAbilityLoadCallback {
public:
    void OnLoadSystemAbilitySuccess(int32_t, const sptr<IRemoteObject>& object) override
    {
        std::lock_guard<std::mutex> guard(lock_);
        object_ = object;
        done_ = true;
        cv_.notify_all();
    }
    void OnLoadSystemAbilityFail(int32_t, int32_t error, const std::string& why) override
    {
        std::lock_guard<std::mutex> guard(lock_);
        error_ = error;
        why_ = why;
        done_ = true;
        cv_.notify_all();
    }
    // The object, or null and `why` after a failure or `seconds`.
    sptr<IRemoteObject> Wait(int seconds, std::string& why)
    {
        std::unique_lock<std::mutex> guard(lock_);
        if (!cv_.wait_for(guard, std::chrono::seconds(seconds), [this] { return done_; })) {
            why = "no answer within " + std::to_string(seconds) + " s";
            return nullptr;
        }
        if (!object_)
            why = Error(error_) + ": " + why_;
        return object_;
    }

private:
    std::mutex lock_;
    std::condition_variable cv_;
    bool done_ = false;
    sptr<IRemoteObject> object_;
    int error_ = 0;
    std::string why_;
};

std::string Short(const std::string& networkId)
{
    return networkId.substr(0, 12);
}

void LoadRemote(Demo& d)
{
    auto start = Clock::now();
    auto waiter = MakeSptr<LoadWaiter>();
    if (!d.samgr->LoadSystemAbility(d.id, d.networkId, waiter))
        Fail(1, "LoadSystemAbility(" + std::to_string(d.id) + ", " + Short(d.networkId) +
                    "): " + Error(d.samgr->GetLastErrorCode()) + ": " + d.samgr->GetLastError());
    std::string why;
    sptr<IRemoteObject> object = waiter->Wait(kLoadTimeoutS + 10, why);
    double ms = MsSince(start);
    if (!object)
        Fail(1, "LoadSystemAbility(" + std::to_string(d.id) + ", " + Short(d.networkId) +
                    ") failed: " + why);
    std::u16string descriptor = object->GetInterfaceDescriptor();
    if (descriptor != IKvStore::GetDescriptor())
        Fail(1, "SA " + std::to_string(d.id) + " there is '" + Utf16ToUtf8(descriptor) +
                    "', not " + Utf16ToUtf8(IKvStore::GetDescriptor()));
    d.store = iface_cast<IKvStore>(object);
    if (!d.store)
        Fail(1, "iface_cast<IKvStore> of the remote object gave null");
    std::printf("[client] 1 LoadSystemAbility(%d, device %s...): kv_service runs there, "
                "in %.0f ms (we are device %s...)\n",
                d.id, Short(d.networkId).c_str(), ms,
                Short(IPCSkeleton::GetLocalDeviceID()).c_str());
}

void RoundTrip(Demo& d)
{
    const std::string key = "greeting", value = "hello, ipckit";
    int err = d.store->Put(key, value);
    if (err != ERR_NONE)
        Fail(2, "PUT: " + Error(err));
    std::string got;
    auto start = Clock::now();
    err = d.store->Get(key, got);
    double ms = MsSince(start);
    if (err != ERR_NONE)
        Fail(2, "GET: " + Error(err));
    if (got != value)
        Fail(2, "GET " + key + " gave \"" + got + "\", PUT stored \"" + value + "\"");
    std::string none;
    err = d.store->Get("no-such-key", none);
    if (err != ERR_UNKNOWN_OBJECT)
        Fail(2, "GET of a missing key gave " + Error(err) + ", not ERR_UNKNOWN_OBJECT");
    std::printf("[client] 2 PUT %s=\"%s\"; GET -> \"%s\" in %.2f ms\n", key.c_str(),
                value.c_str(), got.c_str(), ms);
}

void WatchChanges(Demo& d)
{
    auto observer = MakeSptr<Observer>();
    int err = d.store->Watch(observer);
    if (err != ERR_NONE)
        Fail(3, "WATCH: " + Error(err));
    std::vector<std::pair<std::string, std::string>> sent;
    for (int i = 1; i <= kAsyncPuts; i++) {
        sent.emplace_back("step", std::to_string(i));
        err = d.store->PutAsync(sent.back().first, sent.back().second);
        if (err != ERR_NONE)
            Fail(3, "PUT_ASYNC: " + Error(err));
    }
    auto heard = observer->WaitFor(sent.size());
    if (heard.size() < sent.size())
        Fail(3, "the observer heard " + std::to_string(heard.size()) + " of " +
                    std::to_string(sent.size()) + " changes within 5 s");
    if (heard != sent)
        Fail(3, "the observer heard the changes out of order or changed");
    int32_t keys = 0;
    err = d.store->Size(keys);
    if (err != ERR_NONE || keys != 2)
        Fail(3, "SIZE gave " + std::to_string(keys) + " (" + Error(err) + "), expected 2 keys");
    std::printf("[client] 3 WATCH, %d one-way PUT_ASYNC: the observer heard step=1..%d in order\n",
                kAsyncPuts, kAsyncPuts);
}

void SendBlob(Demo& d)
{
    std::vector<uint8_t> blob(kBlobSize);
    int64_t sum = 0;
    for (int32_t i = 0; i < kBlobSize; i++) {
        blob[i] = static_cast<uint8_t>((static_cast<uint32_t>(i) * 2654435761u) >> 24);
        sum += blob[i];
    }
    int64_t theirs = -1;
    auto start = Clock::now();
    int err = d.store->WriteBlob(blob.data(), kBlobSize, theirs);
    double ms = MsSince(start);
    if (err != ERR_NONE)
        Fail(4, "WRITE_BLOB: " + Error(err));
    if (theirs != sum)
        Fail(4, "the service summed " + std::to_string(theirs) + ", the client " +
                    std::to_string(sum));
    double mib = kBlobSize / double(1 << 20);
    std::printf("[client] 4 WRITE_BLOB of %.0f MiB via %s: sums match; "
                "%.0f ms, %.0f MiB/s\n",
                mib, d.networkId.empty() ? "shared memory" : "raw data across devices", ms,
                mib / (ms > 0 ? ms / 1000 : 1e-9));
}

void KillService(Demo& d)
{
    auto death = MakeSptr<DeathWatcher>();
    if (!d.store->AsObject()->AddDeathRecipient(death))
        Fail(5, "AddDeathRecipient on the SA's proxy failed");
    auto listener = MakeSptr<StatusListener>(d.id);
    int err = d.samgr->SubscribeSystemAbility(d.id, listener);
    if (err != ERR_NONE)
        Fail(5, "SubscribeSystemAbility: " + Error(err) + " " + d.samgr->GetLastError());
    // The SA is there, so samgr says so at once: the subscription works.
    if (!listener->added.Wait())
        Fail(5, "no OnAddSystemAbility for the running SA within 5 s");
    if (kill(d.servicePid, SIGKILL) != 0)
        Fail(5, "kill(" + std::to_string(d.servicePid) + "): " + std::strerror(errno));
    if (!death->died.Wait())
        Fail(5, "no OnRemoteDied within 5 s of SIGKILL");
    if (!listener->removed.Wait())
        Fail(5, "no OnRemoveSystemAbility within 5 s of SIGKILL");
    if (d.samgr->CheckSystemAbility(d.id))
        Fail(5, "samgr still has SA " + std::to_string(d.id) + " after its process died");
    err = d.samgr->UnSubscribeSystemAbility(d.id, listener);
    if (err != ERR_NONE)
        Fail(5, "UnSubscribeSystemAbility: " + Error(err));
    std::printf("[client] 5 SIGKILL kv_service (pid %d): OnRemoteDied, "
                "OnRemoveSystemAbility, SA gone\n",
                d.servicePid);
}

// The other device goes away (the lane powers it off once this line is
// out): OnRemoteDied, and later calls fail with ERR_DEAD_OBJECT.
void DeviceGone(Demo& d)
{
    auto death = MakeSptr<DeathWatcher>();
    if (!d.store->AsObject()->AddDeathRecipient(death))
        Fail(5, "AddDeathRecipient on the remote SA's proxy failed");
    std::printf("[client] 5 waiting for device %s... to go away (up to %d s)\n",
                Short(d.networkId).c_str(), d.waitGoneS);
    auto start = Clock::now();
    if (!death->died.WaitFor(std::chrono::seconds(d.waitGoneS)))
        Fail(5, "no OnRemoteDied within " + std::to_string(d.waitGoneS) + " s");
    double ms = MsSince(start);
    int32_t keys = 0;
    int err = d.store->Size(keys);
    if (err != ERR_DEAD_OBJECT)
        Fail(5, "a call after OnRemoteDied gave " + Error(err) + ", not ERR_DEAD_OBJECT");
    std::printf("[client] 5 device %s... went away: OnRemoteDied after %.0f ms; "
                "the next call: %s\n",
                Short(d.networkId).c_str(), ms, Error(err).c_str());
}

}  // namespace
}  // namespace kvdemo

int main(int argc, char** argv)
{
    using namespace kvdemo;
    Demo d;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "-d") && i + 1 < argc) {
            setenv("IPCKIT_DEVICE", argv[++i], 1);  // before libipckit opens it
        } else if (!std::strcmp(argv[i], "--sa") && i + 1 < argc) {
            if (!ParseSaId(argv[++i], d.id)) {
                std::fprintf(stderr, "kv_client: bad SA id '%s' (0..0xffffff)\n", argv[i]);
                return 2;
            }
        } else if (!std::strcmp(argv[i], "--device") && i + 1 < argc) {
            d.networkId = argv[++i];
        } else if (!std::strcmp(argv[i], "--wait-gone") && i + 1 < argc) {
            d.waitGoneS = std::atoi(argv[++i]);
            if (d.waitGoneS <= 0) {
                std::fprintf(stderr, "kv_client: bad --wait-gone '%s'\n", argv[i]);
                return 2;
            }
        } else {
            bool help = !std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--help");
            std::fprintf(help ? stdout : stderr,
                         "usage: kv_client [-d DEVICE] [--sa ID] [--device NETWORKID "
                         "[--wait-gone SECONDS]]\n"
                         "Walk through the demo against samgr and the KV store SA ID\n"
                         "(default %d) on DEVICE (default: $IPCKIT_DEVICE, else /dev/binder).\n"
                         "It ends by killing the SA's process. With --device, the store\n"
                         "is on device NETWORKID (through rpcd); the walk ends waiting\n"
                         "(SECONDS, default 300) for that device to go away.\n",
                         KV_STORE_SA_ID);
            return help ? 0 : 2;
        }
    }
    // Line by line, also into a log file or a pipe.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    d.samgr = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
    if (!d.samgr)
        Fail(1, "no samgr on " + ipckit::DefaultDevicePath() + " (start samgr first)");

    if (!d.networkId.empty()) {
        void (*const remote[])(Demo&) = {LoadRemote, RoundTrip, WatchChanges, SendBlob,
                                         DeviceGone};
        for (auto step : remote)
            step(d);
        std::printf("[client] done: all %zu steps passed across devices\n", std::size(remote));
        return 0;
    }
    void (*const steps[])(Demo&) = {LoadOnDemand, RoundTrip, WatchChanges, SendBlob, KillService};
    for (auto step : steps)
        step(d);
    std::printf("[client] done: all %zu steps passed\n", std::size(steps));
    return 0;
}
