// SPDX-License-Identifier: Apache-2.0
//
// rpcd: the cross-device RPC forwarder, one per device
// (Documentation/rpc.rst). Needs samgr and softbusd; registers with samgr
// as RPC_SA_ID and serves the soft bus session "ipckit.rpc".
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <ipckit/ipc_kit.h>
#include <ipckit/iservice_registry.h>
#include <ipckit/softbus.h>

#include "daemon/rpcd.h"
#include "daemon/service.h"
#include "daemon_support.h"
#include "rpc_protocol.h"

namespace {

using namespace ipckit;

// Wakes the main thread when softbusd dies.
class BusWatch : public IRemoteObject::DeathRecipient {
public:
    void OnRemoteDied(const wptr<IRemoteObject>&) override
    {
        std::lock_guard<std::mutex> guard(lock_);
        died_ = true;
        cond_.notify_all();
    }
    void Wait()
    {
        std::unique_lock<std::mutex> guard(lock_);
        cond_.wait(guard, [this] { return died_; });
    }

private:
    std::mutex lock_;
    std::condition_variable cond_;
    bool died_ = false;
};

// softbusd's client, once samgr and softbusd are both there; null (and
// `why`) after `deadline`.
std::shared_ptr<softbus::SoftBus> ConnectBus(std::chrono::steady_clock::time_point deadline,
                                             std::string& why)
{
    for (;;) {
        auto samgr = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
        if (!samgr) {
            why = "no samgr on " + DefaultDevicePath() + " (start samgr first)";
        } else {
            auto connected = softbus::SoftBus::Connect();
            if (connected)
                return *connected;
            why = "softbusd: " + connected.error().message;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return nullptr;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

int Usage(FILE* out)
{
    std::fprintf(out,
                 "usage: rpcd [-d DEVICE] [--workers N] [--wait-s N]\n"
                 "Cross-device RPC: lends this device's distributed system abilities to\n"
                 "trusted devices on the soft bus and stands in locally for theirs.\n"
                 "Needs samgr and softbusd (waits up to --wait-s, default 10, for them);\n"
                 "registers as system ability %d.\n",
                 detail::RPC_SA_ID);
    return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv)
{
    rpc::RpcdOptions options;
    long long waitSeconds = 10;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help")
            return Usage(stdout);
        if (i + 1 >= argc) {
            std::fprintf(stderr, "rpcd: unknown option %s (or it needs a value)\n", argv[i]);
            return Usage(stderr);
        }
        const char* value = argv[++i];
        long long n = 0;
        if (arg == "-d") {
            setenv("IPCKIT_DEVICE", value, 1);
        } else if (arg == "--workers" && detail::ParseNumber(value, 1, 256, n)) {
            options.workers = static_cast<std::size_t>(n);
        } else if (arg == "--wait-s" && detail::ParseNumber(value, 0, 3600, n)) {
            waitSeconds = n;
        } else {
            std::fprintf(stderr, "rpcd: bad option %s %s\n", arg.c_str(), value);
            return Usage(stderr);
        }
    }
    // One session may take three quarters of the workers, no more.
    options.maxPerSession = std::max<std::size_t>(1, options.workers * 3 / 4);
    std::signal(SIGPIPE, SIG_IGN);

    std::string why;
    auto bus = ConnectBus(std::chrono::steady_clock::now() + std::chrono::seconds(waitSeconds),
                          why);
    if (!bus) {
        std::fprintf(stderr, "rpcd: %s\n", why.c_str());
        return 1;
    }
    auto samgr = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
    auto local = bus->GetLocalDevice();
    if (!local) {
        std::fprintf(stderr, "rpcd: softbusd does not say who we are: %s\n",
                     local.error().message.c_str());
        return 1;
    }

    auto rpcd = std::make_shared<rpc::Rpcd>(bus, local->networkId, options);
    if (auto listening = rpcd->Start(); !listening) {
        std::fprintf(stderr, "rpcd: cannot serve session %s: %s\n", rpc::RPC_SESSION_NAME,
                     listening.error().message.c_str());
        return 1;
    }
    // Calls wait for their remote reply on binder threads: allow many.
    IPCSkeleton::SetMaxWorkThreadNum(32);
    // A looper first: samgr asks the new object for its descriptor while
    // it adds it.
    std::thread binder([] { IPCSkeleton::JoinWorkThread(); });
    binder.detach();
    auto service = MakeSptr<rpc::RpcService>(rpcd);
    int err = samgr->AddSystemAbility(detail::RPC_SA_ID, sptr<IRemoteObject>(service));
    if (err != ERR_NONE) {
        std::string why = samgr->GetLastError();
        std::fprintf(stderr, "rpcd: samgr refused SA %d: %s%s%s\n", detail::RPC_SA_ID,
                     ErrorString(err), why.empty() ? "" : ": ", why.c_str());
        return 1;
    }
    std::printf("rpcd: ready, device %s\n", local->networkId.c_str());
    std::fflush(stdout);

    // softbusd may restart: then every session is gone and so is our
    // session server. Drop the peers, wait for it, serve again.
    for (;;) {
        sptr<IRemoteObject> sb;
        if (auto s = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager())
            sb = s->CheckSystemAbility(softbus::SOFTBUS_SA_ID);
        auto watch = MakeSptr<BusWatch>();
        if (sb && sb->AddDeathRecipient(sptr<IRemoteObject::DeathRecipient>(watch)))
            watch->Wait();
        rpc::Log("softbusd went away: every peer is dropped until it is back");
        rpcd->DropAll("softbusd went away");
        for (;;) {
            bus = ConnectBus(std::chrono::steady_clock::now() + std::chrono::seconds(5), why);
            if (bus && rpcd->Restart(bus))
                break;
            if (bus)
                bus.reset();
        }
        rpc::Log("softbusd is back: serving %s again", rpc::RPC_SESSION_NAME);
    }
}
