// SPDX-License-Identifier: Apache-2.0
//
// The client role: measures on IPCKIT_DEVICE what the coordinator asks
// (bench_wire.h's Request on stdin), and answers with the samples on
// stdout. It holds two connections to the same server object, handle 0:
//
//  - libipckit's, through the process's IPCSkeleton (a proxy, SendRequest);
//  - RawCaller's, an fd of its own.
//
// Both in this one process, one after the other on the same thread, rather
// than the raw calls in a second process: each open() of a binder device is
// a driver process of its own (its own threads, receive area and handles,
// on both drivers), so the raw calls share nothing with libipckit's
// connection, while the two kinds of call run on the same CPU with the same
// scheduling and caches, and one pipe to the coordinator orders them.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <ipckit/ipc_kit.h>

#include "alloc_counter.h"
#include "bench_roles.h"
#include "bench_wire.h"
#include "child_process.h"
#include "raw_call.h"

namespace shimbench {
namespace {

using namespace ipckit;
using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// What the server answers a transfer: the checksum of what it read, and
// its own time on the request(s).
struct Sum {
    uint64_t checksum = 0;
    uint64_t serverNs = 0;
};

class Worker {
public:
    bool Setup();
    Answer Run(const Request& req, std::vector<double>& samples, std::vector<double>& server);

private:
    int SendEmpty();
    int Call(uint32_t code, MessageParcel& data, Sum* sum);
    int SendRegion(const sptr<Ashmem>& region, Sum& sum);
    int SendKept(Sum& sum);
    bool WriteChunk(MessageParcel& data, std::size_t offset, std::size_t length);
    int SendChunk(std::size_t offset, std::size_t length, Sum& sum);
    int SendChunks(Sum& sum);
    // The region of kAshmemReused or kAshmemKept, made (and for the
    // latter given to the server to keep) the first time: setup, not timed.
    bool SetUpRegion(Op op);
    // One transfer of `op`, timed into `samples` and `server`; its
    // checksum in `a`.
    bool Transfer(Op op, Answer& a, std::vector<double>& samples, std::vector<double>& server);
    bool Fail(const char* what, int err);
    bool FailErrno(const char* what);

    std::string device_ = DefaultDevicePath();
    sptr<IRemoteObject> remote_;
    std::optional<RawCaller> raw_;
    std::vector<uint64_t> pattern_;  // the 16 MiB every transfer sends
    std::vector<uint64_t> scratch_;  // kMemcpy's destination
    uint64_t expected_ = 0;          // its checksum
    sptr<Ashmem> reused_;            // kAshmemReused's region
    sptr<Ashmem> kept_;              // kAshmemKept's, mapped by the server too
};

bool Worker::Fail(const char* what, int err)
{
    std::fprintf(stderr, "ipckit-shim-bench: client on %s: %s: %s (%d)\n", device_.c_str(),
                 what, ErrorString(err), err);
    return false;
}

bool Worker::FailErrno(const char* what)
{
    std::fprintf(stderr, "ipckit-shim-bench: client on %s: %s: %s\n", device_.c_str(), what,
                 std::strerror(errno));
    return false;
}

bool Worker::Setup()
{
    // The server is the manager already (it said so); the ping inside
    // GetContextObject is bounded by the server being there.
    for (int i = 0; i < 100 && !remote_; i++) {
        remote_ = IPCSkeleton::GetContextObject();
        if (!remote_)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!remote_ || remote_->GetInterfaceDescriptor() != u"ipckit.bench.IShimBench") {
        std::fprintf(stderr, "ipckit-shim-bench: client on %s: the context manager is not "
                             "the bench server\n", device_.c_str());
        return false;
    }
    auto raw = RawCaller::Open(device_);
    if (!raw) {
        std::fprintf(stderr, "ipckit-shim-bench: client: %s\n", raw.error().message.c_str());
        return false;
    }
    raw_.emplace(std::move(raw.value()));
    pattern_.resize(kTransferBytes / 8);
    for (std::size_t k = 0; k < pattern_.size(); k++)
        pattern_[k] = PatternWord(k);
    expected_ = Checksum(pattern_.data(), kTransferBytes, 0);
    scratch_.assign(pattern_.size(), 0);  // faulted in now, not while timed
    return true;
}

// The parcels live inside the caller's timing: the reply's destructor
// gives its buffer back (BC_FREE_BUFFER), as RawCaller's second ioctl does.
int Worker::SendEmpty()
{
    MessageParcel data, reply;
    MessageOption option;
    int err = remote_->SendRequest(kEmpty, data, reply, option);
    if (err == ERR_NONE && reply.GetDataSize() != 0)
        err = ERR_INVALID_REPLY;
    return err;
}

// A transfer's call: the reply is the checksum and the server's time.
int Worker::Call(uint32_t code, MessageParcel& data, Sum* sum)
{
    MessageParcel reply;
    MessageOption option;
    int err = remote_->SendRequest(code, data, reply, option);
    if (err == ERR_NONE && sum &&
        (!reply.ReadUint64(sum->checksum) || !reply.ReadUint64(sum->serverNs)))
        err = ERR_INVALID_REPLY;
    return err;
}

int Worker::SendRegion(const sptr<Ashmem>& region, Sum& sum)
{
    if (!region->WriteToAshmem(pattern_.data(), static_cast<int32_t>(kTransferBytes), 0))
        return ERR_INVALID_DATA;
    MessageParcel data;
    if (!data.WriteAshmem(region))
        return ERR_INVALID_DATA;
    return Call(kSumAshmem, data, &sum);
}

// The data goes into the region the server has mapped; the call only says
// "read it".
int Worker::SendKept(Sum& sum)
{
    if (!kept_->WriteToAshmem(pattern_.data(), static_cast<int32_t>(kTransferBytes), 0))
        return ERR_INVALID_DATA;
    MessageParcel data;
    return Call(kSumKept, data, &sum);
}

// The parcel of the call for `length` bytes of the pattern from `offset`.
bool Worker::WriteChunk(MessageParcel& data, std::size_t offset, std::size_t length)
{
    // A parcel grows to 200 KiB (Parcel::kDefaultMaxCapacity) unless told.
    return data.SetMaxCapacity(kChunkHeader + length) && data.WriteUint64(offset) &&
           data.WriteUint64(length) &&
           data.WriteBuffer(reinterpret_cast<const uint8_t*>(pattern_.data()) + offset, length);
}

int Worker::SendChunk(std::size_t offset, std::size_t length, Sum& sum)
{
    MessageParcel data;
    if (!WriteChunk(data, offset, length))
        return ERR_INVALID_DATA;
    return Call(kSumChunk, data, &sum);
}

int Worker::SendChunks(Sum& sum)
{
    for (std::size_t off = 0; off < kTransferBytes; off += kChunkBytes) {
        Sum part;
        int err = SendChunk(off, std::min(kChunkBytes, kTransferBytes - off), part);
        if (err != ERR_NONE)
            return err;
        sum.checksum += part.checksum;
        sum.serverNs += part.serverNs;
    }
    return ERR_NONE;
}

bool Worker::SetUpRegion(Op op)
{
    sptr<Ashmem>& region = op == Op::kAshmemKept ? kept_ : reused_;
    if (region)
        return true;
    sptr<Ashmem> made = Ashmem::CreateAshmem("shim-bench", static_cast<int32_t>(kTransferBytes));
    if (!made || !made->MapReadAndWriteAshmem())
        return FailErrno("cannot make and map a 16 MiB ashmem region");
    if (op == Op::kAshmemKept) {
        MessageParcel data;
        int err = data.WriteAshmem(made) ? Call(kKeepAshmem, data, nullptr) : ERR_INVALID_DATA;
        if (err != ERR_NONE)
            return Fail("handing the server a region to keep", err);
    }
    region = made;
    return true;
}

bool Worker::Transfer(Op op, Answer& a, std::vector<double>& samples, std::vector<double>& server)
{
    if ((op == Op::kAshmemReused || op == Op::kAshmemKept) && !SetUpRegion(op))
        return false;
    Sum sum;
    int err = ERR_NONE;
    auto t0 = Clock::now();
    if (op == Op::kAshmemNew) {
        // Made, mapped, filled, sent and let go (unmapped, closed) each time.
        sptr<Ashmem> region =
            Ashmem::CreateAshmem("shim-bench", static_cast<int32_t>(kTransferBytes));
        if (!region || !region->MapReadAndWriteAshmem())
            return FailErrno("cannot make and map a 16 MiB ashmem region");
        err = SendRegion(region, sum);
    } else if (op == Op::kAshmemReused) {
        err = SendRegion(reused_, sum);
    } else if (op == Op::kAshmemKept) {
        err = SendKept(sum);
    } else {
        err = SendChunks(sum);
    }
    double us = MicrosSince(t0);
    if (err != ERR_NONE)
        return Fail("16 MiB transfer", err);
    samples.push_back(us);
    server.push_back(static_cast<double>(sum.serverNs) / 1e3);
    a.checksum = sum.checksum;
    if (sum.checksum != expected_) {
        a.mismatches++;
        std::fprintf(stderr,
                     "ipckit-shim-bench: client on %s: checksum %#llx, the pattern's is %#llx\n",
                     device_.c_str(), static_cast<unsigned long long>(sum.checksum),
                     static_cast<unsigned long long>(expected_));
    }
    return true;
}

Answer Worker::Run(const Request& req, std::vector<double>& samples, std::vector<double>& server)
{
    Answer a{};
    bool ok = true;
    samples.reserve(req.count);  // not counted below
    server.reserve(req.count);
    const uint64_t allocations = HeapAllocations();
    switch (req.op) {
    case Op::kRaw:
        for (uint32_t i = 0; ok && i < req.count; i++) {
            auto t0 = Clock::now();
            int err = raw_->RoundTrip(kEmpty);
            if (err) {
                std::fprintf(stderr, "ipckit-shim-bench: client on %s: raw call: %s\n",
                             device_.c_str(), std::strerror(-err));
                ok = false;
            } else {
                samples.push_back(MicrosSince(t0));
            }
        }
        break;
    case Op::kSendRequest:
        for (uint32_t i = 0; ok && i < req.count; i++) {
            auto t0 = Clock::now();
            int err = SendEmpty();
            if (err != ERR_NONE)
                ok = Fail("SendRequest", err);
            else
                samples.push_back(MicrosSince(t0));
        }
        break;
    case Op::kAshmemNew:
    case Op::kAshmemReused:
    case Op::kAshmemKept:
    case Op::kChunks:
        for (uint32_t i = 0; ok && i < req.count; i++)
            ok = Transfer(req.op, a, samples, server);
        break;
    case Op::kMemcpy:
        for (uint32_t i = 0; i < req.count; i++) {
            auto t0 = Clock::now();
            std::memcpy(scratch_.data(), pattern_.data(), kTransferBytes);
            samples.push_back(MicrosSince(t0));
        }
        break;
    case Op::kParcels:
        for (uint32_t i = 0; ok && i < req.count; i++) {
            auto t0 = Clock::now();
            for (std::size_t off = 0; ok && off < kTransferBytes; off += kChunkBytes) {
                MessageParcel data;
                if (!WriteChunk(data, off, std::min(kChunkBytes, kTransferBytes - off)))
                    ok = Fail("writing a chunk's parcel", ERR_INVALID_DATA);
            }
            if (ok)
                samples.push_back(MicrosSince(t0));
        }
        break;
    case Op::kChecksum:
        for (uint32_t i = 0; ok && i < req.count; i++) {
            auto t0 = Clock::now();
            uint64_t sum = Checksum(pattern_.data(), kTransferBytes, 0);
            samples.push_back(MicrosSince(t0));
            if (sum != expected_)
                ok = Fail("checksum of the pattern changed", ERR_INVALID_DATA);
        }
        break;
    case Op::kProbe1MB: {
        Sum sum;
        a.code = SendChunk(0, kOneMB, sum);
        if (a.code == ERR_NONE && sum.checksum != Checksum(pattern_.data(), kOneMB, 0))
            a.mismatches++;
        break;
    }
    default:
        std::fprintf(stderr, "ipckit-shim-bench: client: unknown request %u\n",
                     static_cast<unsigned>(req.op));
        ok = false;
    }
    a.allocations = HeapAllocations() - allocations;
    a.err = ok ? 0 : 1;
    a.samples = static_cast<uint32_t>(samples.size());
    a.serverSamples = static_cast<uint32_t>(server.size());
    return a;
}

}  // namespace

int ClientMain()
{
    Worker worker;
    Answer ready{};
    ready.err = worker.Setup() ? 0 : 1;
    if (!WriteAll(1, &ready, sizeof(ready)) || ready.err)
        return 1;
    Request req;
    while (ReadAll(0, &req, sizeof(req), -1)) {
        std::vector<double> samples, server;
        Answer a = worker.Run(req, samples, server);
        if (!WriteAll(1, &a, sizeof(a)) ||
            !WriteAll(1, samples.data(), samples.size() * sizeof(double)) ||
            !WriteAll(1, server.data(), server.size() * sizeof(double)))
            return 1;
    }
    return errno == EPIPE ? 0 : 1;  // EOF: the coordinator is done with us
}

}  // namespace shimbench
