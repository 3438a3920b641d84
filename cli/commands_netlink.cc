// SPDX-License-Identifier: Apache-2.0
//
// The commands that speak generic netlink only: monitor (binder's failed
// transaction reports and ipckit's events, as they happen) and proc (a
// process's binder state, GET_PROC). Like stats, they never open the
// device.
#include <signal.h>

#include <cerrno>
#include <climits>
#include <ctime>
#include <iostream>

#include "args.h"
#include "cli.h"
#include "netlink.h"
#include "netlink_events.h"

namespace ipckit::cli {
namespace {

volatile sig_atomic_t g_stop = 0;

void OnStop(int)
{
    g_stop = 1;
}

// "12:00:01.123", local time.
std::string NowMillis()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    std::tm tm{};
    char buf[32];
    if (!::localtime_r(&ts.tv_sec, &tm) || !std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm))
        return "?";
    char out[48];
    std::snprintf(out, sizeof(out), "%s.%03ld", buf, ts.tv_nsec / 1000000);
    return out;
}

// Splits "--name=value" / "--name value" as watch does; false when a value
// is missing.
struct Option {
    std::string name;
    std::string value;
};

bool TakeValue(const Args& args, std::size_t& i, Option& opt, bool wantsValue)
{
    opt.name = args[i];
    opt.value.clear();
    auto eq = opt.name.find('=');
    if (eq != std::string::npos) {
        opt.value = opt.name.substr(eq + 1);
        opt.name.resize(eq);
        return true;
    }
    if (!wantsValue)
        return true;
    if (i + 1 == args.size())
        return false;
    opt.value = args[++i];
    return true;
}

Result<uint32_t> ParsePid(std::string_view text, std::string_view what)
{
    auto v = ParseInteger(text, what, 1, INT_MAX);
    if (!v)
        return v.error();
    return static_cast<uint32_t>(*v);
}

}  // namespace

int RunMonitor(const Options&, const Args& args)
{
    MonitorFilter filter;
    bool json = false;
    long long count = 0;  // 0: until interrupted
    int rcvbuf = Monitor::kDefaultRcvbuf;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string& a = args[i];
        if (a == "--json") {
            json = true;
            continue;
        }
        const std::string base = a.substr(0, a.find('='));
        const bool valued = base == "--context" || base == "--pid" || base == "--kind" ||
                            base == "--count" || base == "--rcvbuf";
        Option opt;
        if (!TakeValue(args, i, opt, valued))
            return UsageError("monitor", opt.name + " needs a value");
        if (opt.name == "--context") {
            if (opt.value.empty())
                return UsageError("monitor", "--context needs a binder device name, e.g. binder");
            filter.device = DeviceName(opt.value);
        } else if (opt.name == "--pid") {
            auto v = ParsePid(opt.value, "--pid");
            if (!v)
                return UsageError("monitor", v.error().message);
            filter.pid = *v;
        } else if (opt.name == "--kind") {
            if (auto s = ParseKinds(opt.value, filter); !s)
                return UsageError("monitor", s.error().message);
        } else if (opt.name == "--count") {
            auto v = ParseInteger(opt.value, "--count", 1, INT_MAX);
            if (!v)
                return UsageError("monitor", v.error().message);
            count = *v;
        } else if (opt.name == "--rcvbuf") {
            auto v = ParseInteger(opt.value, "--rcvbuf", 1024, 1 << 28);
            if (!v)
                return UsageError("monitor", v.error().message);
            rcvbuf = static_cast<int>(*v);
        } else {
            return UsageError("monitor", "unknown argument '" + a + "'");
        }
    }

    auto monitor = Monitor::Open(filter.WantsReports(), filter.WantsEvents(), rcvbuf);
    if (!monitor)
        return Fail("cannot monitor: " + monitor.error().message);
    const auto& sub = monitor->subscription();
    if (!sub.missing.empty())
        std::cerr << "ipckit: " << sub.missing << "; showing "
                  << (sub.reports ? "binder reports" : "ipckit events") << " only\n";
    // Stopping (Ctrl-C, kill) is a normal end. No SA_RESTART: the signal
    // cuts the wait short.
    struct sigaction sa {};
    sa.sa_handler = OnStop;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    // On stderr, so that a script can wait for it: from here on nothing is missed.
    std::cerr << "ipckit: monitoring"
              << (sub.reports ? " binder reports" : "")
              << (sub.reports && sub.events ? " and" : "")
              << (sub.events ? " ipckit events" : "") << " (Ctrl-C stops)" << std::endl;

    long long printed = 0;
    while (!g_stop && (count == 0 || printed < count)) {
        auto s = monitor->Receive([&](const Monitor::Message& m) {
            if (count != 0 && printed >= count)
                return;
            const std::string time = NowMillis();
            switch (m.kind) {
            case Monitor::Message::Lost:
                std::cout << (json ? LostJson(time) : FormatLost(time)) << std::endl;
                return;
            case Monitor::Message::ReportMsg: {
                auto r = ParseReport(m.header, m.size);
                if (!r) {
                    std::cerr << "ipckit: skipped a message: " << r.error().message << "\n";
                    return;
                }
                if (!filter.Matches(*r))
                    return;
                std::cout << (json ? ReportJson(time, *r) : FormatReport(time, *r)) << std::endl;
                printed++;
                return;
            }
            case Monitor::Message::EventMsg: {
                auto e = ParseEvent(m.header, m.size);
                if (!e) {
                    std::cerr << "ipckit: skipped a message: " << e.error().message << "\n";
                    return;
                }
                if (!filter.Matches(*e))
                    return;
                std::cout << (json ? EventJson(time, *e) : FormatEvent(time, *e)) << std::endl;
                printed++;
                return;
            }
            case Monitor::Message::Other:
                return;
            }
        });
        if (!s) {
            if (s.error().code == EINTR)
                continue;  // g_stop says whether to end
            return Fail(s.error().message);
        }
    }
    return kExitOk;
}

int RunProc(const Options&, const Args& args)
{
    std::optional<std::string> device;
    std::optional<uint32_t> pid;
    bool json = false;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string& a = args[i];
        if (a.rfind("--context", 0) == 0 && (a.size() == 9 || a[9] == '=')) {
            Option opt;
            if (!TakeValue(args, i, opt, true) || opt.value.empty())
                return UsageError("proc", "--context needs a binder device name, e.g. binder");
            device = DeviceName(opt.value);
        } else if (a == "--json") {
            json = true;
        } else if (!a.empty() && a[0] != '-' && !pid) {
            auto v = ParsePid(a, "PID");
            if (!v)
                return UsageError("proc", v.error().message);
            pid = *v;
        } else {
            return UsageError("proc", "unknown argument '" + a + "'");
        }
    }
    auto procs = NetlinkProcs(device, pid);
    if (!procs) {
        const int code = procs.error().code;
        const bool noFamily = procs.error().message.find("family") != std::string::npos;
        if (pid && device && code == ESRCH && !noFamily)
            return Fail("process " + std::to_string(*pid) + " does not have " + *device +
                        " open");
        if (pid && device && code == EPERM)
            return Fail("process " + std::to_string(*pid) +
                        " is another user's: reading its state needs CAP_SYS_ADMIN (root)");
        if (device && code == ENODEV)
            return Fail(*device + " is not an ipckit device (ipckit proc lists them all "
                                  "without --context)");
        return Fail(procs.error().message);
    }
    // A dump lists every process; PID without --context picks its rows.
    std::vector<ProcInfo> shown;
    for (auto& p : *procs)
        if ((!pid || p.pid == *pid) && (!device || p.device == *device))
            shown.push_back(std::move(p));
    if (shown.empty()) {
        if (pid)
            return Fail("process " + std::to_string(*pid) + " has no ipckit device open" +
                        (device ? " named " + *device : std::string()) +
                        " (or is not yours to see)");
        std::cout << "no processes have " << (device ? *device : "an ipckit device")
                  << " open (that you may see)\n";
        return kExitOk;
    }
    if (json) {
        for (const auto& p : shown)
            std::cout << ProcJson(p) << "\n";
    } else {
        std::cout << FormatProcs(shown);
    }
    return kExitOk;
}

}  // namespace ipckit::cli
