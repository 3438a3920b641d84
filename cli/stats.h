// SPDX-License-Identifier: Apache-2.0
//
// ipckit's per-device debugfs counters (/sys/kernel/debug/ipckit/<device>/
// stats, one "name value" line each; kernel/debugfs.c writes them) as
// `ipckit stats` and `ipckit watch` show them: parsing, the grouped report
// and the rates between two samples. Pure: tested on the host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ipckit/result.h>

namespace ipckit::cli {

// The counters in file order (the kernel adds command counts only once
// they are non-zero, so a missing name reads as 0).
class Stats {
public:
    std::vector<std::pair<std::string, int64_t>> counters;

    int64_t Get(std::string_view name) const;
    bool Has(std::string_view name) const;
};

// Lines "name value" (value a decimal integer); blank lines are skipped.
// Anything else is refused naming the line.
Result<Stats> ParseStats(std::string_view text);

// Where ipckit keeps the counters of DEVICE: its basename's directory.
std::string StatsPath(std::string_view device);

// The report of `ipckit stats`: objects created/deleted/live, file
// operations, then the BC_* and BR_* counts, then any counter it does not
// know (so a newer module's counters still show).
std::string FormatStats(const Stats& stats);

// What changed between two samples `seconds` apart. Calls are
// BC_TRANSACTION(_SG), replies BC_REPLY(_SG); a call that got no reply is
// one-way (or failed: the driver has no separate one-way counter).
struct Rates {
    double calls = 0;
    double replies = 0;
    double oneway = 0;
    int64_t procs = 0;  // live processes at the later sample
};
Rates ComputeRates(const Stats& before, const Stats& after, double seconds);

std::string WatchHeader();
std::string WatchLine(std::string_view time, const Rates& rates);

}  // namespace ipckit::cli
