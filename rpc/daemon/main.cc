// SPDX-License-Identifier: Apache-2.0
//
// rpcd: the cross-device RPC forwarder, one per device
// (Documentation/rpc.rst). Needs samgr and softbusd; registers with samgr
// as RPC_SA_ID and serves the soft bus session "ipckit.rpc".
#include <unistd.h>

#include <chrono>
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
#include "rpc_protocol.h"

namespace {

using namespace ipckit;

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

bool ParseNumber(const char* text, long lo, long hi, long& out)
{
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi)
        return false;
    out = v;
    return true;
}

}  // namespace

int main(int argc, char** argv)
{
    rpc::RpcdOptions options;
    long waitSeconds = 10;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help")
            return Usage(stdout);
        if (i + 1 >= argc) {
            std::fprintf(stderr, "rpcd: unknown option %s (or it needs a value)\n", argv[i]);
            return Usage(stderr);
        }
        const char* value = argv[++i];
        long n = 0;
        if (arg == "-d") {
            setenv("IPCKIT_DEVICE", value, 1);
        } else if (arg == "--workers" && ParseNumber(value, 1, 256, n)) {
            options.workers = static_cast<std::size_t>(n);
        } else if (arg == "--wait-s" && ParseNumber(value, 0, 3600, n)) {
            waitSeconds = n;
        } else {
            std::fprintf(stderr, "rpcd: bad option %s %s\n", arg.c_str(), value);
            return Usage(stderr);
        }
    }
    std::signal(SIGPIPE, SIG_IGN);

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(waitSeconds);
    sptr<ISystemAbilityManager> samgr;
    std::shared_ptr<softbus::SoftBus> bus;
    std::string lastError;
    for (;;) {
        samgr = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
        if (!samgr) {
            lastError = "no samgr on " + DefaultDevicePath() + " (start samgr first)";
        } else {
            auto connected = softbus::SoftBus::Connect();
            if (connected) {
                bus = *connected;
                break;
            }
            lastError = "softbusd: " + connected.error().message;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            std::fprintf(stderr, "rpcd: %s\n", lastError.c_str());
            return 1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
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
    IPCSkeleton::JoinWorkThread();
    // Binder threads may be mid-call: leave without running destructors.
    std::_Exit(0);
}
