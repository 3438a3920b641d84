// SPDX-License-Identifier: Apache-2.0
//
// What the two-device lane's test tools share (softbus/tools/sbtest.cc,
// rpc/tools/rpctest.cc): the command line, deterministic payloads, timing
// and the benchmarks' statistics. Header-only: sbtest finds it beside
// itself, rpc/tools/tools.cmake puts this folder on rpctest's include path.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace ipckit::tools {

using Clock = std::chrono::steady_clock;

inline int64_t UsSince(Clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count();
}

// Deterministic payloads: byte i of message `seed` is a function of both.
inline std::vector<uint8_t> Payload(std::size_t size, uint32_t seed)
{
    std::vector<uint8_t> p(size);
    uint32_t x = seed * 2654435761u + 1;
    for (auto& b : p) {
        x = x * 1103515245u + 12345u;
        b = uint8_t(x >> 16);
    }
    return p;
}

// The q-quantile (0 <= q < 1) of `samples`: the element at q * count of
// them sorted; -1 if there are none.
inline int64_t Quantile(std::vector<int64_t> samples, double q)
{
    if (samples.empty())
        return -1;
    std::sort(samples.begin(), samples.end());
    return samples[std::min(samples.size() - 1, std::size_t(q * double(samples.size())))];
}

// The median (the upper one of an even count), -1 if there are no samples.
inline int64_t Median(std::vector<int64_t> samples)
{
    return Quantile(std::move(samples), 0.5);
}

// A tool's command line: the words after its name, `n` of them, the first
// the subcommand `cmd` ("" when there is none, which no subcommand matches).
struct Args {
    Args(int argc, char** argv) : words(argv + 1, argv + argc) {}
    const std::string& operator[](std::size_t i) const { return words[i]; }
    // Word i as a number: atoi's (0 when it is none), or strtoull's with
    // its base (0x.. hexadecimal, 0.. octal).
    int Num(std::size_t i) const { return std::atoi(words[i].c_str()); }
    std::size_t Size(std::size_t i) const { return std::strtoull(words[i].c_str(), nullptr, 0); }

    const std::vector<std::string> words;
    const std::size_t n = words.size();
    const std::string cmd = n ? words[0] : std::string();
};

// The usage text on stderr; a tool's exit status for a wrong command line.
inline int Usage(const char* text)
{
    std::fputs(text, stderr);
    return 2;
}

}  // namespace ipckit::tools
