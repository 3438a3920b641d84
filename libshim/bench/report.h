// SPDX-License-Identifier: Apache-2.0
//
// What the coordinator collected per device, and the table it prints:
// medians and p90s per measurement and device, ipckit over the reference,
// and the two ratios of P13 (rows 8 and 9) per device. Reports, never
// judges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_wire.h"

namespace shimbench {

struct DeviceResults {
    std::string path;
    std::string label;  // the path's basename
    bool ipckit = false;
    // Per Op, in microseconds, in round order (the same number a round).
    std::vector<double> samples[static_cast<std::size_t>(Op::kCount)];
    // Transfers: the server's part of each sample (its time on the calls).
    std::vector<double> server[static_cast<std::size_t>(Op::kCount)];
    // Heap allocations the client made per call in the kept rounds.
    uint64_t allocations[static_cast<std::size_t>(Op::kCount)] = {};
    uint32_t transfers = 0;
    uint32_t mismatches = 0;
    uint64_t checksum = 0;  // the last transfer's
    bool probed = false;
    int probeCode = 0;      // SendRequest's result for 1 MB in one call
};

struct RunInfo {
    unsigned rounds = 0;
    unsigned calls = 0;  // per round trip row and round
    double seconds = 0;  // measuring, warm-up included
};

void PrintReport(const std::vector<DeviceResults>& devices, const RunInfo& info);

}  // namespace shimbench
