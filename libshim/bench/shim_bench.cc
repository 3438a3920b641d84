// SPDX-License-Identifier: Apache-2.0
//
// ipckit-shim-bench: libipckit on ipckit and on the kernel's binder, in one
// boot (P13, rows 8 and 9 of `make bench`).
//
//	ipckit-shim-bench -a DEVICE [-b DEVICE] [-n CALLS] [-r ROUNDS] [-c same|free]
//
// For each device, a server process (bench_server.cc: a libipckit stub, the
// context manager) and a client process (bench_client.cc) measure:
//
//  - row 8: an empty sync SendRequest through a libipckit proxy, and the
//    same call to the same server as raw ioctls (raw_call.h), CALLS of each
//    per round, each call a sample;
//  - row 9: 16 MiB from the client to the server, who reads every byte
//    and answers with a checksum (and its own time): through an ashmem
//    region made for the transfer (create, map, fill, send; the server
//    maps, reads, unmaps; reply; release), through one region made once
//    (fill, send, the server maps, reads, unmaps, reply), through one
//    region both sides keep mapped (fill, a call, the server reads, reply),
//    and as calls of at most a receive area each (bench_wire.h says why
//    not 1 MB); two transfers of each a round; and, for scale, without
//    IPC: a memcpy of the 16 MiB, the calls' parcels written, a checksum.
//
// This process is the coordinator: it never opens libipckit's connection
// (a process has one, to the device IPCKIT_DEVICE names when it first
// talks), and asks each client for one measurement at a time, so every
// round runs every measurement on every device back to back, the whole
// sequence reversed every other round (the TCG guest's speed drifts over
// seconds). It reports medians and p90s and never judges them: the exit
// status says whether every measurement ran and every checksum matched.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <linux/ipckit.h>

#include <ipckit/unique_fd.h>

#include "bench_roles.h"
#include "bench_wire.h"
#include "child_process.h"
#include "report.h"

namespace shimbench {
namespace {

// Sized for the 2-vCPU TCG guest: a round trip takes about 0.25 ms there,
// a 16 MiB transfer 15 to 100 ms, so 12 rounds measure in about 25 s (two
// devices, a quiet host), a row 8 median rests on 12 000 calls and a row 9
// one on 24 transfers.
constexpr unsigned kDefaultCalls = 1000;
constexpr unsigned kDefaultRounds = 12;
// 16 MiB transfers (and their floors) per kind, device and round.
constexpr unsigned kTransfersPerRound = 2;
constexpr unsigned kWarmupCalls = 20;
constexpr int kReadyTimeoutMs = 10000;
// One answer: at most a round's calls, or one 16 MiB transfer.
constexpr int kAnswerTimeoutMs = 120000;

struct Config {
    std::vector<std::string> paths;
    unsigned calls = kDefaultCalls;
    unsigned rounds = kDefaultRounds;
    bool pinned = true;
};

struct Device {
    DeviceResults res;
    std::optional<ChildProcess> server;
    std::optional<ChildProcess> client;
};

// 1: ipckit, 0: not (the reference refuses IPCKIT_GET_VERSION), -errno.
int IsIpckit(const std::string& path)
{
    ipckit::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd.valid())
        return -errno;
    ipckit_version ver{};
    if (::ioctl(fd.get(), IPCKIT_GET_VERSION, &ver) == 0)
        return 1;
    return errno == EINVAL || errno == ENOTTY ? 0 : -errno;
}

bool Start(Device& d)
{
    const std::string& path = d.res.path;
    auto server = ChildProcess::Spawn({"ipckit-shim-bench", "--role", "server"}, path);
    if (!server) {
        std::fprintf(stderr, "ipckit-shim-bench: %s: server: %s\n", path.c_str(),
                     server.error().message.c_str());
        return false;
    }
    d.server.emplace(std::move(server.value()));
    unsigned char ready = 1;
    if (!ReadAll(d.server->out(), &ready, 1, kReadyTimeoutMs) || ready != 0) {
        std::fprintf(stderr, "ipckit-shim-bench: %s: the server did not start: %s\n",
                     path.c_str(), errno == ETIMEDOUT ? "no answer in 10 s" : "it failed");
        return false;
    }
    auto client = ChildProcess::Spawn({"ipckit-shim-bench", "--role", "client"}, path);
    if (!client) {
        std::fprintf(stderr, "ipckit-shim-bench: %s: client: %s\n", path.c_str(),
                     client.error().message.c_str());
        return false;
    }
    d.client.emplace(std::move(client.value()));
    Answer a{};
    if (!ReadAll(d.client->out(), &a, sizeof(a), kReadyTimeoutMs) || a.err) {
        std::fprintf(stderr, "ipckit-shim-bench: %s: the client did not start: %s\n",
                     path.c_str(), errno == ETIMEDOUT ? "no answer in 10 s" : "it failed");
        return false;
    }
    return true;
}

// One measurement on one device; its samples kept when `keep`.
bool Ask(Device& d, Op op, unsigned count, bool keep)
{
    Request req{op, count};
    Answer a{};
    std::vector<double> samples, server;
    bool ok = WriteAll(d.client->in(), &req, sizeof(req)) &&
              ReadAll(d.client->out(), &a, sizeof(a), kAnswerTimeoutMs);
    if (ok && (a.samples > count || a.serverSamples > count)) {
        errno = EPROTO;
        ok = false;
    }
    if (ok) {
        samples.resize(a.samples);
        server.resize(a.serverSamples);
        ok = ReadAll(d.client->out(), samples.data(), samples.size() * sizeof(double),
                     kAnswerTimeoutMs) &&
             ReadAll(d.client->out(), server.data(), server.size() * sizeof(double),
                     kAnswerTimeoutMs);
    }
    if (!ok) {
        std::fprintf(stderr, "ipckit-shim-bench: %s: no answer from the client: %s\n",
                     d.res.label.c_str(), std::strerror(errno));
        return false;
    }
    if (op == Op::kProbe1MB) {
        d.res.probed = true;
        d.res.probeCode = a.code;
    }
    if (IsTransfer(op)) {
        d.res.transfers += a.samples;
        d.res.checksum = a.checksum;
    }
    d.res.mismatches += a.mismatches;  // warm-up ones too: a mismatch is a failure
    if (keep) {
        auto& v = d.res.samples[static_cast<std::size_t>(op)];
        v.insert(v.end(), samples.begin(), samples.end());
        auto& w = d.res.server[static_cast<std::size_t>(op)];
        w.insert(w.end(), server.begin(), server.end());
        d.res.allocations[static_cast<std::size_t>(op)] += a.allocations;
    }
    return a.err == 0;
}

// Every measurement on every device, in this order or reversed.
bool RunRound(std::vector<Device>& devs, const Config& cfg, unsigned round, bool keep)
{
    std::vector<std::pair<Op, std::size_t>> order;
    for (Op op : {Op::kRaw, Op::kSendRequest, Op::kAshmemNew, Op::kAshmemReused,
                  Op::kAshmemKept, Op::kChunks, Op::kMemcpy, Op::kParcels, Op::kChecksum})
        for (std::size_t i = 0; i < devs.size(); i++)
            order.emplace_back(op, i);
    if (round % 2)
        std::reverse(order.begin(), order.end());
    for (auto [op, i] : order) {
        bool calls = op == Op::kRaw || op == Op::kSendRequest;
        unsigned count = calls ? (keep ? cfg.calls : kWarmupCalls)
                               : (keep ? kTransfersPerRound : 1);
        if (!Ask(devs[i], op, count, keep))
            return false;
    }
    return true;
}

void Usage(const char* prog)
{
    std::fprintf(stderr,
                 "usage: %s -a DEVICE [-b DEVICE] [-n CALLS] [-r ROUNDS] [-c same|free]\n"
                 "  -n  round trips per row, device and round (default %u)\n"
                 "  -r  rounds; each runs every measurement on every device (default %u)\n"
                 "  -c  same: every process on CPU 0 (default); free: none pinned\n",
                 prog, kDefaultCalls, kDefaultRounds);
}

bool ParseCount(const char* s, unsigned& v)
{
    char* end;
    unsigned long n = std::strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || n == 0 || n > 1000000)
        return false;
    v = static_cast<unsigned>(n);
    return true;
}

int Coordinate(const Config& cfg)
{
    ::signal(SIGPIPE, SIG_IGN);  // a dead client is EPIPE, not our death
    std::vector<Device> devs(cfg.paths.size());
    for (std::size_t i = 0; i < devs.size(); i++) {
        auto& r = devs[i].res;
        r.path = cfg.paths[i];
        auto slash = r.path.rfind('/');
        r.label = slash == std::string::npos ? r.path : r.path.substr(slash + 1);
        int kind = IsIpckit(r.path);
        if (kind < 0) {
            std::fprintf(stderr, "ipckit-shim-bench: %s: %s\n", r.path.c_str(),
                         std::strerror(-kind));
            return 1;
        }
        r.ipckit = kind == 1;
    }
    if (devs.size() == 2 && devs[0].res.label == devs[1].res.label) {
        devs[0].res.label = devs[0].res.path;
        devs[1].res.label = devs[1].res.path;
    }

    std::printf("ipckit-shim-bench:");
    for (const auto& d : devs)
        std::printf(" %s = %s (%s)%s", d.res.label.c_str(), d.res.path.c_str(),
                    d.res.ipckit ? "ipckit" : "reference", &d == &devs.back() ? "" : ",");
    std::printf("\nipckit-shim-bench: %u rounds x %u calls, %u transfers of 16 MiB of each kind "
                "a round; placement %s, %ld CPUs online\n",
                cfg.rounds, cfg.calls, kTransfersPerRound,
                cfg.pinned ? "same (every process on CPU 0)" : "free",
                sysconf(_SC_NPROCESSORS_ONLN));
    std::fflush(stdout);

    if (cfg.pinned) {  // inherited by every process started below
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(0, &set);
        if (sched_setaffinity(0, sizeof(set), &set) != 0) {
            std::fprintf(stderr, "ipckit-shim-bench: pinning to CPU 0: %s\n",
                         std::strerror(errno));
            return 1;
        }
    }
    bool ok = true;
    for (auto& d : devs)
        ok = ok && Start(d);

    auto t0 = std::chrono::steady_clock::now();
    unsigned round = 0;
    ok = ok && RunRound(devs, cfg, 0, false);
    for (auto& d : devs)
        ok = ok && Ask(d, Op::kProbe1MB, 1, false);
    for (; ok && round < cfg.rounds; round++)
        ok = RunRound(devs, cfg, round, true);
    RunInfo info;
    info.rounds = cfg.rounds;
    info.calls = cfg.calls;
    info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    for (auto& d : devs) {
        if (d.client && d.client->Finish(5000) != 0) {
            std::fprintf(stderr, "ipckit-shim-bench: %s: the client did not end cleanly\n",
                         d.res.label.c_str());
            ok = false;
        }
        if (d.server)
            d.server->Kill();  // it serves until killed
    }
    if (!ok) {
        std::fprintf(stderr, "ipckit-shim-bench: stopped in round %u of %u\n", round,
                     cfg.rounds);
        return 1;
    }
    std::vector<DeviceResults> results;
    uint32_t mismatches = 0;
    for (auto& d : devs) {
        mismatches += d.res.mismatches;
        results.push_back(std::move(d.res));
    }
    PrintReport(results, info);
    return mismatches ? 1 : 0;
}

}  // namespace
}  // namespace shimbench

int main(int argc, char** argv)
{
    using namespace shimbench;
    if (argc == 3 && !std::strcmp(argv[1], "--role")) {
        if (!std::strcmp(argv[2], "server"))
            return ServerMain();
        if (!std::strcmp(argv[2], "client"))
            return ClientMain();
    }
    Config cfg;
    std::string a, b;
    int opt;
    while ((opt = getopt(argc, argv, "a:b:n:r:c:h")) != -1) {
        switch (opt) {
        case 'a':
            a = optarg;
            break;
        case 'b':
            b = optarg;
            break;
        case 'n':
        case 'r':
            if (ParseCount(optarg, opt == 'n' ? cfg.calls : cfg.rounds))
                break;
            Usage(argv[0]);
            return 2;
        case 'c':
            if (!std::strcmp(optarg, "same") || !std::strcmp(optarg, "free")) {
                cfg.pinned = !std::strcmp(optarg, "same");
                break;
            }
            [[fallthrough]];
        default:
            Usage(argv[0]);
            return 2;
        }
    }
    if (a.empty() || optind != argc) {
        Usage(argv[0]);
        return 2;
    }
    cfg.paths.push_back(a);
    if (!b.empty())
        cfg.paths.push_back(b);
    return Coordinate(cfg);
}
