// SPDX-License-Identifier: Apache-2.0
//
// The server role: a libipckit stub made the context manager of the device
// IPCKIT_DEVICE names (as echo_example's service: no samgr needed), served
// by the library's loopers. It answers an empty request with an empty
// reply, and checksums the data of the transfers. It says on
// stdout (one byte, 0) when it is the manager, and serves until killed.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <ipckit/ipc_kit.h>

#include "bench_roles.h"
#include "bench_wire.h"
#include "child_process.h"

namespace shimbench {
namespace {

using namespace ipckit;

class BenchStub : public IPCObjectStub {
public:
    BenchStub() : IPCObjectStub(u"ipckit.bench.IShimBench") {}

    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        auto t0 = std::chrono::steady_clock::now();
        uint64_t sum = 0;
        int err;
        switch (code) {
        case kEmpty:
            return ERR_NONE;
        case kSumAshmem: {
            // Mapped here, read whole, unmapped when `region` goes.
            sptr<Ashmem> region = data.ReadAshmem();
            err = SumRegion(region, sum);
            break;
        }
        case kSumChunk: {
            // Read in place, in the receive area the driver copied it to.
            uint64_t offset = 0, length = 0;
            const uint8_t* p = nullptr;
            if (data.ReadUint64(offset) && data.ReadUint64(length) && offset % 8 == 0 &&
                length % 8 == 0)
                p = data.ReadBuffer(length);
            if (p)
                sum = Checksum(p, length, offset / 8);
            err = p ? ERR_NONE : ERR_INVALID_DATA;
            break;
        }
        case kKeepAshmem:
            kept_ = data.ReadAshmem();
            return kept_ && kept_->MapReadOnlyAshmem() ? ERR_NONE : ERR_INVALID_DATA;
        case kSumKept:
            err = SumRegion(kept_, sum);
            break;
        default:
            return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
        }
        if (err != ERR_NONE)
            return err;
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now() - t0);
        return reply.WriteUint64(sum) && reply.WriteUint64(static_cast<uint64_t>(ns.count()))
                   ? ERR_NONE
                   : ERR_INVALID_DATA;
    }

private:
    // The checksum of all of `region`, mapping it first unless it is.
    static int SumRegion(const sptr<Ashmem>& region, uint64_t& sum)
    {
        if (!region)
            return ERR_INVALID_DATA;
        const int32_t size = region->GetAshmemSize();
        const void* p = region->ReadFromAshmem(size, 0);
        if (!p && region->MapReadOnlyAshmem())
            p = region->ReadFromAshmem(size, 0);
        if (!p || size % 8)
            return ERR_INVALID_DATA;
        sum = Checksum(p, static_cast<std::size_t>(size), 0);
        return ERR_NONE;
    }

    // kKeepAshmem's region; requests come one at a time (one client).
    sptr<Ashmem> kept_;
};

}  // namespace

int ServerMain()
{
    // The reference driver frees a dead manager's node from a workqueue:
    // right after another benchmark's manager exited, the place may still
    // be taken for a moment.
    sptr<IRemoteObject> stub = MakeSptr<BenchStub>();
    bool manager = false;
    for (int i = 0; i < 250 && !manager; i++) {
        manager = IPCSkeleton::SetContextObject(stub);
        if (!manager)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!manager) {
        std::fprintf(stderr,
                     "ipckit-shim-bench: server: cannot become the context manager of %s "
                     "within 5 s\n",
                     DefaultDevicePath().c_str());
        return 1;
    }
    const unsigned char ready = 0;
    if (!WriteAll(1, &ready, 1))
        return 1;
    IPCSkeleton::JoinWorkThread();
    return 0;
}

}  // namespace shimbench
