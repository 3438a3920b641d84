// SPDX-License-Identifier: Apache-2.0
//
// The commands that read the driver's counters: stats and watch. They ask
// the module over generic netlink (IPCKIT_CMD_GET_STATS) when it offers
// that, else read debugfs. They never open the device, so looking does not
// change the numbers.
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
#include "netlink.h"
#include "netlink_events.h"
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

Result<Stats> ReadDebugfs(const Options& options)
{
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

// Where the counters come from: --source, or netlink when the module
// offers it and debugfs when not.
enum class Source { Auto, Netlink, Debugfs };

Result<Source> ParseSource(std::string_view text)
{
    if (text == "netlink")
        return Source::Netlink;
    if (text == "debugfs")
        return Source::Debugfs;
    if (text == "auto")
        return Source::Auto;
    return Error{EINVAL, "--source '" + std::string(text) + "' is not netlink, debugfs or auto"};
}

struct Sample {
    Stats stats;
    Source from = Source::Debugfs;
};

Result<Stats> ReadNetlink(const Options& options)
{
    const std::string name = DeviceName(options.device);
    auto all = NetlinkStats(name);
    if (!all)
        return all.error();
    for (auto& d : *all)
        if (d.device == name)
            return std::move(d.stats);
    return Error{ENODEV, "netlink GET_STATS for " + name + ": no reply for that device"};
}

// Auto: netlink first; when that fails for any reason (no family: an older
// module or the kernel's binder; a device ipckit does not have), debugfs,
// whose messages say what is wrong as they always did.
Result<Sample> ReadStats(const Options& options, Source source)
{
    if (auto problem = DeviceProblem(options.device))
        return Error{ENOENT, *problem};
    if (source != Source::Debugfs) {
        auto stats = ReadNetlink(options);
        if (stats)
            return Sample{std::move(*stats), Source::Netlink};
        if (source == Source::Netlink)
            return stats.error();
    }
    auto stats = ReadDebugfs(options);
    if (!stats)
        return stats.error();
    return Sample{std::move(*stats), Source::Debugfs};
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
    Source source = Source::Auto;
    for (std::size_t i = 0; i < args.size(); i++) {
        std::string name = args[i], value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        } else if (name == "--source") {
            if (i + 1 == args.size())
                return UsageError("stats", "--source needs netlink, debugfs or auto");
            value = args[++i];
        }
        if (name != "--source")
            return UsageError("stats", "unknown argument '" + args[i] + "'");
        auto v = ParseSource(value);
        if (!v)
            return UsageError("stats", v.error().message);
        source = *v;
    }
    auto sample = ReadStats(options, source);
    if (!sample)
        return Fail(sample.error().message);
    std::cout << options.device << ": ipckit driver counters ("
              << (sample->from == Source::Netlink ? "netlink: ipckit GET_STATS"
                                                  : StatsPath(options.device))
              << ")\n\n"
              << FormatStats(sample->stats);
    return kExitOk;
}

int RunWatch(const Options& options, const Args& args)
{
    double interval = 1;
    long long count = 0;  // 0: until interrupted
    Source source = Source::Auto;
    for (std::size_t i = 0; i < args.size(); i++) {
        std::string name = args[i], value;
        auto eq = name.find('=');
        if (eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        } else if (name == "--interval" || name == "--count" || name == "--source") {
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
        } else if (name == "--source") {
            auto v = ParseSource(value);
            if (!v)
                return UsageError("watch", v.error().message);
            source = *v;
        } else {
            return UsageError("watch", "unknown argument '" + args[i] + "'");
        }
    }

    auto before = ReadStats(options, source);
    if (!before)
        return Fail(before.error().message);
    // Every sample from where the first came from: rates across two sources
    // would mean nothing.
    source = before->from;
    // Ctrl-C ends the watch as a normal end, not as a failure.
    struct sigaction sa {};
    sa.sa_handler = OnInterrupt;
    ::sigaction(SIGINT, &sa, nullptr);  // no SA_RESTART: it cuts the sleep short

    std::cout << WatchHeader() << std::flush;
    auto then = std::chrono::steady_clock::now();
    for (long long n = 0; count == 0 || n < count; n++) {
        if (!Sleep(interval))
            break;
        auto after = ReadStats(options, source);
        auto now = std::chrono::steady_clock::now();
        if (!after)
            return Fail(after.error().message);
        const double seconds = std::chrono::duration<double>(now - then).count();
        std::cout << WatchLine(LocalTime(), ComputeRates(before->stats, after->stats, seconds))
                  << std::flush;
        before = std::move(after);
        then = now;
    }
    return kExitOk;
}

}  // namespace ipckit::cli
