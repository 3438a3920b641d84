// SPDX-License-Identifier: Apache-2.0
//
// softbusd: the soft bus daemon, one per device (Documentation/softbus.rst).
// Registers with samgr as SOFTBUS_SA_ID, then runs the loop on the main
// thread while libipckit's threads answer binder requests.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <ipckit/ipc_kit.h>
#include <ipckit/iservice_registry.h>

#include "daemon/daemon.h"
#include "daemon/service.h"
#include "daemon_support.h"

namespace {

using ipckit::softbus::Daemon;
using ipckit::softbus::DaemonOptions;

Daemon* g_daemon;

void OnSignal(int)
{
    if (g_daemon)
        g_daemon->Stop();
}

int Usage(FILE* out)
{
    std::fprintf(out,
                 "usage: softbusd [-d DEVICE] [--state DIR] [--name NAME] [--iface IF]\n"
                 "                [--port N] [--discovery-port N] [--announce-ms N] [--ttl-ms N]\n"
                 "                [--keepalive-ms N] [--keepalive-timeout-ms N]\n"
                 "                [--max-sessions N] [--max-pending-bytes N]\n"
                 "                [--discovery-target HOST:PORT]... [--bind-address ADDR]\n"
                 "The soft bus daemon: discovers devices (CoAP, UDP --discovery-port, default\n"
                 "5684), links to trusted ones over TLS 1.3 (--port, default 5685) and serves\n"
                 "sessions to local processes as system ability %d through samgr.\n"
                 "State (identity, group.key) lives in --state (default /var/lib/ipckit/softbus).\n",
                 ipckit::softbus::SOFTBUS_SA_ID);
    return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv)
{
    DaemonOptions options;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help")
            return Usage(stdout);
        if (i + 1 >= argc) {
            std::fprintf(stderr, "softbusd: unknown option %s (or it needs a value)\n", argv[i]);
            return Usage(stderr);
        }
        const char* value = argv[++i];
        long long n = 0;
        auto number = [&](long long lo, long long hi) {
            if (ipckit::detail::ParseNumber(value, lo, hi, n))
                return true;
            std::fprintf(stderr, "softbusd: %s wants a number in %lld..%lld, not '%s'\n",
                         arg.c_str(), lo, hi, value);
            return false;
        };
        if (arg == "-d") {
            setenv("IPCKIT_DEVICE", value, 1);
        } else if (arg == "--state") {
            options.stateDir = value;
        } else if (arg == "--name") {
            options.name = value;
        } else if (arg == "--iface") {
            options.iface = value;
        } else if (arg == "--discovery-target") {
            options.discoveryTargets.push_back(value);
        } else if (arg == "--bind-address") {
            options.bindAddress = value;
        } else if (arg == "--port") {
            if (!number(1, 65535))
                return 2;
            options.port = static_cast<uint16_t>(n);
        } else if (arg == "--discovery-port") {
            if (!number(1, 65535))
                return 2;
            options.discoveryPort = static_cast<uint16_t>(n);
        } else if (arg == "--announce-ms") {
            if (!number(50, 3600000))
                return 2;
            options.announceMs = static_cast<int>(n);
        } else if (arg == "--ttl-ms") {
            if (!number(100, 3600000))
                return 2;
            options.ttlMs = static_cast<int>(n);
        } else if (arg == "--keepalive-ms") {
            if (!number(50, 3600000))
                return 2;
            options.keepaliveMs = static_cast<int>(n);
        } else if (arg == "--keepalive-timeout-ms") {
            if (!number(100, 3600000))
                return 2;
            options.keepaliveTimeoutMs = static_cast<int>(n);
        } else if (arg == "--max-sessions") {
            if (!number(1, 65536))
                return 2;
            options.maxSessions = static_cast<std::size_t>(n);
        } else if (arg == "--max-pending-bytes") {
            if (!number(65536, 1ll << 32))
                return 2;
            options.maxPendingBytes = static_cast<std::size_t>(n);
        } else {
            std::fprintf(stderr, "softbusd: unknown option %s\n", arg.c_str());
            return Usage(stderr);
        }
    }

    // Peers and processes vanish mid-write: errors, not signals.
    std::signal(SIGPIPE, SIG_IGN);

    Daemon daemon(options);
    auto started = daemon.Start();
    if (!started) {
        std::fprintf(stderr, "softbusd: %s\n", started.error().message.c_str());
        return 1;
    }
    auto samgr = ipckit::SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
    if (!samgr) {
        std::fprintf(stderr, "softbusd: no samgr on %s (start samgr first)\n",
                     ipckit::DefaultDevicePath().c_str());
        return 1;
    }
    std::fprintf(stderr, "softbusd: device %.16s… \"%s\", registering with samgr as SA %d\n",
                 daemon.identity().networkId.c_str(), daemon.identity().name.c_str(),
                 ipckit::softbus::SOFTBUS_SA_ID);
    // A looper first: samgr asks the new object for its descriptor while
    // it adds it, and a process with no looper can only answer that on
    // the thread that is itself waiting for samgr.
    std::thread binder([] { ipckit::IPCSkeleton::JoinWorkThread(); });
    binder.detach();
    auto service = ipckit::MakeSptr<ipckit::softbus::SoftBusService>(daemon);
    int err = samgr->AddSystemAbility(ipckit::softbus::SOFTBUS_SA_ID, ipckit::sptr<ipckit::IRemoteObject>(service));
    if (err != ipckit::ERR_NONE) {
        std::string why = samgr->GetLastError();
        std::fprintf(stderr, "softbusd: samgr refused SA %d: %s%s%s\n",
                     ipckit::softbus::SOFTBUS_SA_ID, ipckit::ErrorString(err),
                     why.empty() ? "" : ": ", why.c_str());
        return 1;
    }

    g_daemon = &daemon;
    struct sigaction sa{};
    sa.sa_handler = OnSignal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);

    std::printf("softbusd: ready, device %s \"%s\", sessions on port %u\n",
                daemon.identity().networkId.c_str(), daemon.identity().name.c_str(),
                daemon.port());
    std::fflush(stdout);
    daemon.Run();
    std::fprintf(stderr, "softbusd: stopped\n");
    std::fflush(stderr);
    // Binder threads may be mid-call: leave without running destructors
    // under them; the driver and samgr clean up after the process.
    std::_Exit(0);
}
