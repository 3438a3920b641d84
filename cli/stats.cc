// SPDX-License-Identifier: Apache-2.0
//
// Parsing and presenting ipckit's debugfs counters (see stats.h).
#include "stats.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>

#include "table.h"

namespace ipckit::cli {
namespace {

struct ObjectKind {
    std::string_view counter;  // <counter>_created / <counter>_deleted
    std::string_view label;
};
constexpr std::array<ObjectKind, 5> kObjects{{
    {"proc", "processes"},
    {"thread", "threads"},
    {"node", "nodes"},
    {"ref", "refs"},
    {"transaction", "transactions"},
}};
constexpr std::array<std::string_view, 7> kFileCounters{
    "procs", "open", "release", "mmap", "mmap_rejected", "ioctl", "ioctl_unknown",
};

bool StartsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

bool IsKnown(std::string_view name)
{
    if (StartsWith(name, "BC_") || StartsWith(name, "BR_"))
        return true;
    if (std::find(kFileCounters.begin(), kFileCounters.end(), name) != kFileCounters.end())
        return true;
    for (const auto& o : kObjects)
        if (name == std::string(o.counter) + "_created" ||
            name == std::string(o.counter) + "_deleted")
            return true;
    return false;
}

std::string Num(int64_t v)
{
    return std::to_string(v);
}

// The counters whose name starts with `prefix`, as a two-column table.
std::string CommandTable(const Stats& stats, std::string_view prefix, const std::string& title)
{
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, value] : stats.counters)
        if (StartsWith(name, prefix))
            rows.push_back({name, Num(value)});
    if (rows.empty())
        return title + ": none yet\n";
    return FormatTable({{title}, {"count", true}}, rows);
}

int64_t Delta(const Stats& before, const Stats& after, std::string_view name)
{
    return std::max<int64_t>(0, after.Get(name) - before.Get(name));
}

}  // namespace

int64_t Stats::Get(std::string_view name) const
{
    for (const auto& [n, v] : counters)
        if (n == name)
            return v;
    return 0;
}

bool Stats::Has(std::string_view name) const
{
    return std::any_of(counters.begin(), counters.end(),
                       [&](const auto& c) { return c.first == name; });
}

Result<Stats> ParseStats(std::string_view text)
{
    Stats stats;
    int lineNo = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        lineNo++;
        if (line.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        auto space = line.find(' ');
        std::string_view name = line.substr(0, space);
        std::string_view value =
            space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        int64_t v = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (name.empty() || value.empty() || ec != std::errc() ||
            end != value.data() + value.size())
            return Error{EPROTO, "line " + std::to_string(lineNo) + ": '" + std::string(line) +
                                     "' is not 'name value'"};
        stats.counters.emplace_back(std::string(name), v);
    }
    if (stats.counters.empty())
        return Error{EPROTO, "no counters in it"};
    return stats;
}

std::string StatsPath(std::string_view device)
{
    auto slash = device.rfind('/');
    std::string_view name = slash == std::string_view::npos ? device : device.substr(slash + 1);
    return "/sys/kernel/debug/ipckit/" + std::string(name) + "/stats";
}

std::string FormatStats(const Stats& stats)
{
    std::vector<std::vector<std::string>> objects;
    for (const auto& o : kObjects) {
        const std::string c(o.counter);
        const int64_t created = stats.Get(c + "_created");
        const int64_t deleted = stats.Get(c + "_deleted");
        objects.push_back({"  " + std::string(o.label), Num(created), Num(deleted),
                           Num(created - deleted)});
    }
    std::string out =
        FormatTable({{"objects"}, {"created", true}, {"deleted", true}, {"live", true}}, objects);
    out += "live processes: " + Num(stats.Get("procs")) + "\n\n";

    out += "file operations: open " + Num(stats.Get("open")) + ", release " +
           Num(stats.Get("release")) + ", mmap " + Num(stats.Get("mmap")) + " (" +
           Num(stats.Get("mmap_rejected")) + " refused), ioctl " + Num(stats.Get("ioctl")) +
           " (" + Num(stats.Get("ioctl_unknown")) + " unknown)\n\n";

    out += CommandTable(stats, "BC_", "commands from processes (BC_*)");
    out += "\n";
    out += CommandTable(stats, "BR_", "returns to processes (BR_*)");

    std::vector<std::vector<std::string>> other;
    for (const auto& [name, value] : stats.counters)
        if (!IsKnown(name))
            other.push_back({name, Num(value)});
    if (!other.empty()) {
        // Two appends, not "\n" + ...: GCC 12 -O2 warns (-Wrestrict) wrongly on the latter.
        out += '\n';
        out += FormatTable({{"other counters"}, {"value", true}}, other);
    }
    return out;
}

Rates ComputeRates(const Stats& before, const Stats& after, double seconds)
{
    Rates r;
    r.procs = after.Get("procs");
    if (!(seconds > 0))
        return r;
    const int64_t calls =
        Delta(before, after, "BC_TRANSACTION") + Delta(before, after, "BC_TRANSACTION_SG");
    const int64_t replies = Delta(before, after, "BC_REPLY") + Delta(before, after, "BC_REPLY_SG");
    r.calls = static_cast<double>(calls) / seconds;
    r.replies = static_cast<double>(replies) / seconds;
    r.oneway = static_cast<double>(std::max<int64_t>(0, calls - replies)) / seconds;
    return r;
}

std::string WatchHeader()
{
    char buf[128];
    std::snprintf(buf, sizeof(buf), "%-8s  %9s  %9s  %9s  %5s\n", "TIME", "CALLS/S", "REPLIES/S",
                  "ONEWAY/S", "PROCS");
    return buf;
}

std::string WatchLine(std::string_view time, const Rates& rates)
{
    char buf[160];
    std::snprintf(buf, sizeof(buf), "%-8.*s  %9.1f  %9.1f  %9.1f  %5" PRId64 "\n",
                  static_cast<int>(time.size()), time.data(), rates.calls, rates.replies,
                  rates.oneway, rates.procs);
    return buf;
}

}  // namespace ipckit::cli
