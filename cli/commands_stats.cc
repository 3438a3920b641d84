// SPDX-License-Identifier: Apache-2.0
//
// The commands that read the driver's debugfs counters: stats and watch.
// They never open the device, so looking does not change the numbers.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>

#include <ipckit/unique_fd.h>

#include "args.h"
#include "cli.h"
#include "stats.h"

namespace ipckit::cli {
namespace {

constexpr const char* kDebugfs = "/sys/kernel/debug";
constexpr const char* kIpckitDebugfs = "/sys/kernel/debug/ipckit";
constexpr const char* kBinderHint =
    "the kernel's binder keeps its own statistics in /sys/kernel/debug/binder/stats";

bool DebugfsMounted()
{
    std::ifstream mounts("/proc/self/mounts");
    if (!mounts)  // no /proc: judge by whether debugfs shows anything
        return ::access(kIpckitDebugfs, F_OK) == 0;
    std::string source, target, type, rest;
    while (mounts >> source >> target >> type && std::getline(mounts, rest))
        if (type == "debugfs")
            return true;
    return false;
}

// The devices ipckit has debugfs directories for, "a, b".
std::string IpckitDevices()
{
    std::string names;
    if (DIR* dir = ::opendir(kIpckitDebugfs)) {
        while (const dirent* e = ::readdir(dir)) {
            std::string name = e->d_name;
            struct stat st {};
            if (name == "." || name == ".." ||
                ::stat((std::string(kIpckitDebugfs) + "/" + name).c_str(), &st) != 0 ||
                !S_ISDIR(st.st_mode))
                continue;
            names += (names.empty() ? "" : ", ") + name;
        }
        ::closedir(dir);
    }
    return names.empty() ? "none" : names;
}

// Why the stats file of `device` cannot be opened (`err` from open).
std::string WhyNoStats(const std::string& device, const std::string& path, int err)
{
    if (err == EACCES || err == EPERM)
        return "cannot read " + path + ": " + std::strerror(err) +
               " (debugfs is readable by root only)";
    if (err != ENOENT)
        return "cannot read " + path + ": " + std::strerror(err);
    if (!DebugfsMounted())
        return std::string("debugfs is not mounted, so the driver's counters cannot be read: "
                           "mount -t debugfs none ") + kDebugfs;
    if (::access(kIpckitDebugfs, F_OK) != 0)
        return device + " is not an ipckit device: the ipckit module is not loaded (" +
               kBinderHint + ")";
    return device + " is not an ipckit device (ipckit's devices: " + IpckitDevices() + "); " +
           kBinderHint;
}

Result<Stats> ReadStats(const Options& options)
{
    if (auto problem = DeviceProblem(options.device))
        return Error{ENOENT, *problem};
    const std::string path = StatsPath(options.device);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        int err = errno;
        return Error{err, WhyNoStats(options.device, path, err)};
    }
    // debugfs files report no size: read until the end.
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof(buf))) > 0)
        text.append(buf, static_cast<std::size_t>(n));
    if (n < 0)
        return Error{errno, "cannot read " + path + ": " + std::strerror(errno)};
    auto stats = ParseStats(text);
    if (!stats)
        return Error{stats.error().code, path + ": " + stats.error().message};
    return stats;
}

volatile sig_atomic_t g_interrupted = 0;

void OnInterrupt(int)
{
    g_interrupted = 1;
}

std::string LocalTime()
{
    std::time_t now = std::time(nullptr);
    std::tm tm {};
    char buf[16];
    if (!::localtime_r(&now, &tm) || !std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm))
        return "?";
    return buf;
}

// Sleeps `seconds`; false when a signal (Ctrl-C) cut it short.
bool Sleep(double seconds)
{
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(seconds);
    ts.tv_nsec = static_cast<long>((seconds - std::floor(seconds)) * 1e9);
    return ::nanosleep(&ts, nullptr) == 0 && !g_interrupted;
}

}  // namespace

int RunStats(const Options& options, const Args& args)
{
    if (!args.empty())
        return UsageError("stats", "stats takes no arguments, got '" + args[0] + "'");
    auto stats = ReadStats(options);
    if (!stats)
        return Fail(stats.error().message);
    std::cout << options.device << ": ipckit driver counters (" << StatsPath(options.device)
              << ")\n\n"
              << FormatStats(*stats);
    return kExitOk;
}

int RunWatch(const Options& options, const Args& args)
{
    double interval = 1;
    long long count = 0;  // 0: until interrupted
    for (std::size_t i = 0; i < args.size(); i++) {
        std::string name = args[i], value;
        auto eq = name.find('=');
        if (eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        } else if (name == "--interval" || name == "--count") {
            if (i + 1 == args.size())
                return UsageError("watch", name + " needs a value");
            value = args[++i];
        }
        if (name == "--interval") {
            auto v = ParseSeconds(value, "--interval");
            if (!v)
                return UsageError("watch", v.error().message);
            interval = *v;
        } else if (name == "--count") {
            auto v = ParseInteger(value, "--count", 1, INT_MAX);
            if (!v)
                return UsageError("watch", v.error().message);
            count = *v;
        } else {
            return UsageError("watch", "unknown argument '" + args[i] + "'");
        }
    }

    auto before = ReadStats(options);
    if (!before)
        return Fail(before.error().message);
    // Ctrl-C ends the watch as a normal end, not as a failure.
    struct sigaction sa {};
    sa.sa_handler = OnInterrupt;
    ::sigaction(SIGINT, &sa, nullptr);  // no SA_RESTART: it cuts the sleep short

    std::cout << WatchHeader() << std::flush;
    auto then = std::chrono::steady_clock::now();
    for (long long n = 0; count == 0 || n < count; n++) {
        if (!Sleep(interval))
            break;
        auto after = ReadStats(options);
        auto now = std::chrono::steady_clock::now();
        if (!after)
            return Fail(after.error().message);
        const double seconds = std::chrono::duration<double>(now - then).count();
        std::cout << WatchLine(LocalTime(), ComputeRates(*before, *after, seconds))
                  << std::flush;
        before = std::move(after);
        then = now;
    }
    return kExitOk;
}

}  // namespace ipckit::cli
