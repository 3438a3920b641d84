// SPDX-License-Identifier: Apache-2.0
//
// samgr, the system ability manager daemon: reads its config, becomes the
// context manager of the device, says "samgr: ready on DEVICE" and serves
// until SIGTERM/SIGINT. A signal thread reaps on-demand children.
//
//   samgr [-d DEVICE] [-c CONFIG] [-q]
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "ipckit/binder_driver.h"
#include "ipckit/ipc_skeleton.h"
#include "samgr_config.h"
#include "samgr_log.h"
#include "system_ability_manager.h"

namespace {

constexpr const char* kUsage =
    "usage: samgr [-d DEVICE] [-c CONFIG] [-q] [-h|--help]\n"
    "  -d DEVICE  binder device (default: $IPCKIT_DEVICE, else /dev/binder)\n"
    "  -c CONFIG  config file (default: /etc/ipckit/samgr.conf; if that is\n"
    "             missing: no on-demand SAs, every uid may register)\n"
    "  -q         log only errors and denials\n";

// Handled by the signal thread alone: blocked everywhere else, since every
// thread (the library's pool too) is started after main blocks them.
sigset_t HandledSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

[[noreturn]] void SignalLoop(samgr::OnDemandLoader& loader)
{
    sigset_t set = HandledSignals();
    for (;;) {
        int sig = sigwaitinfo(&set, nullptr);
        if (sig == SIGCHLD) {
            loader.ReapChildren();
        } else if (sig == SIGTERM || sig == SIGINT) {
            // On-demand services are left running: they are services in
            // their own right, and reaping is init's once samgr is gone.
            samgr::LogEvent("%s: exiting", sig == SIGTERM ? "SIGTERM" : "SIGINT");
            std::fflush(stdout);
            // Pool threads may be inside the library: no static destructors.
            std::_Exit(0);
        }
    }
}

// The previous manager of the device may take a moment to be released
// by the driver after its process ended: try for a while.
bool BecomeContextManager(const ipckit::sptr<ipckit::IRemoteObject>& manager)
{
    using namespace std::chrono_literals;
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!ipckit::IPCSkeleton::SetContextObject(manager)) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv)
{
    const char* device = nullptr;
    const char* configPath = nullptr;
    bool quiet = false;
    int opt;
    opterr = 0;  // our own messages, "samgr: " first
    for (int i = 1; i < argc && std::strcmp(argv[i], "--"); i++) {
        if (!std::strcmp(argv[i], "--help")) {  // getopt knows only -h
            std::fputs(kUsage, stdout);
            return 0;
        }
    }
    while ((opt = getopt(argc, argv, ":d:c:qh")) != -1) {
        switch (opt) {
        case 'd':
            device = optarg;
            break;
        case 'c':
            configPath = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            std::fputs(kUsage, stdout);
            return 0;
        case ':':
            std::fprintf(stderr, "samgr: option -%c needs an argument\n%s", optopt, kUsage);
            return 2;
        default:
            std::fprintf(stderr, "samgr: unknown option -%c\n%s", optopt, kUsage);
            return 2;
        }
    }
    if (optind < argc) {
        std::fprintf(stderr, "samgr: unexpected argument '%s'\n%s", argv[optind], kUsage);
        return 2;
    }
    samgr::SetQuiet(quiet);
    // libipckit opens IPCKIT_DEVICE on first use; on-demand children
    // inherit it and so register on the same device.
    if (device)
        setenv("IPCKIT_DEVICE", device, 1);
    const std::string devicePath = ipckit::DefaultDevicePath();

    auto config = samgr::LoadConfig(configPath ? configPath : samgr::kDefaultConfigPath,
                                    configPath == nullptr);
    if (!config) {
        samgr::LogError("%s", config.error().message.c_str());
        return 1;
    }

    sigset_t handled = HandledSignals();
    pthread_sigmask(SIG_BLOCK, &handled, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a closed log pipe must not kill samgr

    if (!ipckit::IPCSkeleton::SetMaxWorkThreadNum(16)) {
        samgr::LogError("cannot use %s (is the driver loaded?)", devicePath.c_str());
        return 1;
    }
    auto manager = ipckit::MakeSptr<samgr::SystemAbilityManager>(config.value());
    if (!BecomeContextManager(manager)) {
        samgr::LogError("cannot become the context manager of %s: is another samgr running?",
                        devicePath.c_str());
        return 1;
    }
    // The manager lives as long as the process (the library holds it as
    // the context object), and so does its loader.
    std::thread(SignalLoop, std::ref(manager->Loader())).detach();
    std::printf("samgr: ready on %s\n", devicePath.c_str());
    std::fflush(stdout);
    samgr::LogEvent("serving %s; config %s: %zu on-demand SA(s), %s", devicePath.c_str(),
                    config->path.c_str(), config->ondemand.size(),
                    config->registerUids ? "register-uids restricts AddSystemAbility"
                                         : "every uid may add SAs");
    ipckit::IPCSkeleton::JoinWorkThread();
    return 0;
}
