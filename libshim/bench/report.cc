// SPDX-License-Identifier: Apache-2.0
#include "report.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include <ipckit/ipc_errors.h>

namespace shimbench {
namespace {

struct Summary {
    bool have = false;
    double med = 0, p90 = 0;
};

// Nearest-rank percentile p (0..1) of sorted v, as selftests/bench.c.
double Percentile(const std::vector<double>& v, double p)
{
    std::size_t k = static_cast<std::size_t>(p * v.size() + 0.999999);
    return v[k ? k - 1 : 0];
}

Summary Summarize(std::vector<double> v)
{
    Summary s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    s.have = true;
    s.med = Percentile(v, 0.5);
    s.p90 = Percentile(v, 0.9);
    return s;
}

struct Row {
    Op op;
    std::string name;
    double unit;          // microseconds per printed unit
    bool server = false;  // the server's part of the row above
};

const std::string kCallCount = std::to_string(kChunkCalls);
const std::string kCalls = kCallCount + " calls";

std::vector<Row> Rows()
{
    return {
        {Op::kRaw, "raw ioctl round trip (us)", 1},
        {Op::kSendRequest, "SendRequest round trip (us)", 1},
        {Op::kAshmemNew, "16 MiB, new ashmem each (ms)", 1e3},
        {Op::kAshmemNew, "  server's part (ms)", 1e3, true},
        {Op::kAshmemReused, "16 MiB, one ashmem, sent (ms)", 1e3},
        {Op::kAshmemReused, "  server's part (ms)", 1e3, true},
        {Op::kAshmemKept, "16 MiB, one ashmem, kept (ms)", 1e3},
        {Op::kAshmemKept, "  server's part (ms)", 1e3, true},
        {Op::kChunks, "16 MiB as " + kCalls + " (ms)", 1e3},
        {Op::kChunks, "  server's part (ms)", 1e3, true},
        {Op::kMemcpy, "16 MiB memcpy, no IPC (ms)", 1e3},
        {Op::kParcels, kCallCount + " parcels written, no IPC (ms)", 1e3},
        {Op::kChecksum, "16 MiB checksum, no IPC (ms)", 1e3},
    };
}

const std::vector<double>& SamplesOf(const DeviceResults& d, Op op, bool server = false)
{
    return (server ? d.server : d.samples)[static_cast<std::size_t>(op)];
}

Summary SummaryOf(const DeviceResults& d, Op op, bool server = false)
{
    return Summarize(SamplesOf(d, op, server));
}

void PrintNum(const Summary& s, double v, double unit)
{
    if (s.have)
        std::printf(" %9.1f", v / unit);
    else
        std::printf(" %9s", "-");
}

void PrintRatio(const Summary& a, const Summary& b)
{
    if (a.have && b.have && b.med > 0)
        std::printf(" %9.2f", a.med / b.med);
    else
        std::printf(" %9s", "-");
}

}  // namespace

void PrintReport(const std::vector<DeviceResults>& devs, const RunInfo& info)
{
    // The ratio column: ipckit over the reference when there is one of
    // each, else the second device over the first.
    int dut = -1, base = -1;
    if (devs.size() == 2) {
        if (devs[0].ipckit != devs[1].ipckit) {
            dut = devs[0].ipckit ? 0 : 1;
            base = 1 - dut;
        } else {
            dut = 1;
            base = 0;
        }
    }
    const std::vector<Row> rows = Rows();

    for (const auto& d : devs) {
        if (!d.probed)
            continue;
        std::printf("ipckit-shim-bench: %s: 1 MB in one SendRequest (%zu B of data): %s",
                    d.label.c_str(), kChunkHeader + kOneMB,
                    d.probeCode == ipckit::ERR_NONE ? "fits" : "refused, ");
        if (d.probeCode != ipckit::ERR_NONE)
            std::printf("%s (%d)", ipckit::ErrorString(d.probeCode), d.probeCode);
        std::printf("; the receive area libipckit maps is %zu B\n", ipckit::kDefaultMapSize);
    }
    std::printf("ipckit-shim-bench: 16 MiB as %zu calls of at most %zu B (the receive area "
                "less a page)\n",
                kChunkCalls, kChunkBytes);
    std::printf("ipckit-shim-bench: measured in %.1f s\n", info.seconds);

    std::printf("\n%-32s", "");
    for (const auto& d : devs)
        std::printf(" %-19s", d.label.c_str());
    if (dut >= 0)
        std::printf(" %9s", (devs[dut].label.substr(0, 8) + "/").c_str());
    std::printf("\n%-32s", "measurement");
    for (std::size_t i = 0; i < devs.size(); i++)
        std::printf(" %9s %9s", "median", "p90");
    if (dut >= 0)
        std::printf(" %9.9s", devs[base].label.c_str());
    std::printf("\n");
    for (const auto& row : rows) {
        std::printf("%-32s", row.name.c_str());
        for (const auto& d : devs) {
            Summary s = SummaryOf(d, row.op, row.server);
            PrintNum(s, s.med, row.unit);
            PrintNum(s, s.p90, row.unit);
        }
        if (dut >= 0)
            PrintRatio(SummaryOf(devs[dut], row.op, row.server),
                       SummaryOf(devs[base], row.op, row.server));
        std::printf("\n");
    }

    // P13's rows 8 and 9, per device.
    std::printf("\n%-40s", "per device, ratios of medians");
    for (const auto& d : devs)
        std::printf(" %9s", d.label.c_str());
    std::printf("\n");
    struct Ratio {
        std::string name;
        Op num, den;
    } ratios[] = {
        {"row 8: SendRequest / raw ioctl", Op::kSendRequest, Op::kRaw},
        {"row 9: " + kCalls + " / new ashmem each", Op::kChunks, Op::kAshmemNew},
        {"row 9: " + kCalls + " / one ashmem, sent", Op::kChunks, Op::kAshmemReused},
        {"row 9: " + kCalls + " / one ashmem, kept", Op::kChunks, Op::kAshmemKept},
    };
    for (const auto& r : ratios) {
        std::printf("%-40s", r.name.c_str());
        for (const auto& d : devs)
            PrintRatio(SummaryOf(d, r.num), SummaryOf(d, r.den));
        std::printf("\n");
    }
    for (Op op : {Op::kSendRequest, Op::kRaw}) {
        std::printf("%-40s", op == Op::kRaw ? "client heap allocations per raw call"
                                            : "client heap allocations per SendRequest");
        for (const auto& d : devs) {
            std::size_t n = SamplesOf(d, op).size();
            if (n)
                std::printf(" %9.2f",
                            static_cast<double>(d.allocations[static_cast<std::size_t>(op)]) / n);
            else
                std::printf(" %9s", "-");
        }
        std::printf("\n");
    }
    std::printf(
        "row 8 above 1: SendRequest is slower than the raw ioctls; row 9 above 1:\n"
        "ashmem is that many times faster than the calls.\n"
        "16 MiB rows, from the client's first write of the data to the last reply:\n"
        "  new ashmem each: create, map, fill; send; the server maps, reads, unmaps;\n"
        "    reply; the region released. one ashmem, sent: the same with a region made\n"
        "    once. kept: one region both sides mapped once; fill, a call, the server\n"
        "    reads. calls: the bytes in the calls' parcels, read in place.\n"
        "  server's part: the server's time in its handler (summed over the calls).\n");

    uint32_t transfers = 0, mismatches = 0;
    for (const auto& d : devs) {
        transfers += d.transfers;
        mismatches += d.mismatches;
    }
    if (mismatches)
        std::printf("checksums: %u of %u transfers did NOT match the pattern's\n", mismatches,
                    transfers);
    else if (!devs.empty())
        std::printf("checksums: all %u transfers matched the pattern's (%#llx)\n", transfers,
                    static_cast<unsigned long long>(devs[0].checksum));

    // Drift within the run: one median per round, then max/min.
    std::printf("\nper-round medians\n%-40s", "");
    for (unsigned r = 0; r < info.rounds; r++)
        std::printf(" %6s%-2u", "r", r + 1);
    std::printf(" %7s\n", "max/min");
    for (const auto& row : rows) {
        if (row.server)
            continue;
        for (const auto& d : devs) {
            const auto& v = SamplesOf(d, row.op);
            if (v.empty() || info.rounds == 0 || v.size() % info.rounds)
                continue;
            std::size_t per = v.size() / info.rounds;
            std::printf("%-32s %-7.7s", row.name.c_str(), d.label.c_str());
            double lo = 0, hi = 0;
            for (unsigned r = 0; r < info.rounds; r++) {
                Summary s = Summarize(std::vector<double>(v.begin() + r * per,
                                                          v.begin() + (r + 1) * per));
                std::printf(" %8.1f", s.med / row.unit);
                lo = r == 0 ? s.med : std::min(lo, s.med);
                hi = r == 0 ? s.med : std::max(hi, s.med);
            }
            std::printf(" %7.2f\n", lo > 0 ? hi / lo : 0);
        }
    }
    std::fflush(stdout);
}

}  // namespace shimbench
