// SPDX-License-Identifier: Apache-2.0
//
// What the three roles of ipckit-shim-bench share: the bench server's codes,
// the 16 MiB data pattern and its checksum, and the records the coordinator
// and a client worker exchange over a pipe (fixed size, host byte order:
// both ends are this program).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ipckit/binder_driver.h>

namespace shimbench {

// User codes of the bench server's stub (the context manager). The
// transfers' replies are the uint64 checksum of what the server read, then
// the uint64 nanoseconds the server spent on the request (mapping, reading,
// unmapping): the server's part of the transfer.
enum Code : uint32_t {
    kEmpty = 1,      // empty request -> empty reply
    kSumAshmem = 2,  // an ashmem region: mapped, read whole, unmapped
    kSumChunk = 3,   // uint64 offset, uint64 length, the bytes: read in place
    kKeepAshmem = 4, // an ashmem region: mapped and kept -> empty reply
    kSumKept = 5,    // (nothing): the kept region read whole
};

inline constexpr std::size_t kTransferBytes = std::size_t{16} << 20;  // 16 MiB
inline constexpr std::size_t kOneMB = 1048576;
// The chunked transfer's calls. A call's data lands in the server's receive
// area, which libipckit maps kDefaultMapSize (1 MiB - 8 KiB, IPC Kit's
// limit) of: a 1 MB call does not fit (the bench shows it: kProbe1MB). So
// each call carries the largest round size that does, one page less than
// the area (room for the parcel's header and the driver's alignment), and
// the same 16 MiB take one call more than 16.
inline constexpr std::size_t kChunkBytes = ipckit::kDefaultMapSize - 4096;
inline constexpr std::size_t kChunkCalls = (kTransferBytes + kChunkBytes - 1) / kChunkBytes;
// A chunk's header: offset and length (uint64 each).
inline constexpr std::size_t kChunkHeader = 2 * sizeof(uint64_t);
static_assert(kChunkBytes % 8 == 0 && kTransferBytes % 8 == 0);

// Word k of the pattern: every word differs from its neighbours.
inline uint64_t PatternWord(uint64_t k)
{
    return ((k + 1) * 0x9e3779b97f4a7c15ull) ^ (k >> 9);
}

// Position-weighted sum of the 64-bit words at `data` (`bytes`, a multiple
// of 8), the first being word `first` of the whole: sum of w_k * (2k + 1)
// mod 2^64. A word changed, missing or moved changes it, and the checksums
// of a transfer's chunks add up to the whole's. Reads every byte.
inline uint64_t Checksum(const void* data, std::size_t bytes, uint64_t first)
{
    const auto* p = static_cast<const unsigned char*>(data);
    uint64_t sum = 0;
    for (std::size_t i = 0; i < bytes / 8; i++) {
        uint64_t w;
        std::memcpy(&w, p + 8 * i, sizeof(w));  // received data may be unaligned
        sum += w * (2 * (first + i) + 1);
    }
    return sum;
}

// What the coordinator asks a client worker to measure.
enum class Op : uint32_t {
    kRaw,           // `count` raw ioctl round trips, each a sample (us)
    kSendRequest,   // `count` SendRequest round trips, each a sample (us)
    kAshmemNew,     // `count` 16 MiB transfers, a new region each (us)
    kAshmemReused,  // the same through one region made once, sent each time (us)
    kAshmemKept,    // the same through one region both sides keep mapped (us)
    kChunks,        // `count` 16 MiB transfers as kChunkCalls calls (us)
    kProbe1MB,      // one call with 1 MB of data: its result in `code`
    // No IPC, one sample each: what every transfer pays anyway.
    kMemcpy,        // `count` copies of the 16 MiB within the client (us)
    kParcels,       // `count` times the kChunks' parcels, written, not sent (us)
    kChecksum,      // `count` checksums of the 16 MiB (us)
    kCount,
};

inline bool IsTransfer(Op op)
{
    return op >= Op::kAshmemNew && op <= Op::kChunks;
}

struct Request {
    Op op;
    uint32_t count;
};

// Followed by `samples` doubles, then (transfers) as many of the server's
// parts of them. A worker answers once with only `err` when it is set up.
struct Answer {
    int32_t err;          // 0: measured; else the worker said why on stderr
    uint32_t samples;
    uint32_t serverSamples;
    uint64_t checksum;    // transfers: the last one's, as the server computed it
    uint32_t mismatches;  // transfers whose checksum was not the pattern's
    int32_t code;         // kProbe1MB: SendRequest's result
    uint64_t allocations; // heap allocations the client made while measuring
};

}  // namespace shimbench
