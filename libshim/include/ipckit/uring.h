// SPDX-License-Identifier: Apache-2.0
//
// io_uring in libipckit (Documentation/libshim.rst, "io_uring looper and
// one-way batches"): ipckit's IPCKIT_URING_CMD_WRITE_READ carries a
// BINDER_WRITE_READ in an io_uring command, so a looper can wait for work
// in a ring (or in the server's own event loop, through the ring's fd) and
// many one-way calls can go with one io_uring_enter.
//
// Both need a driver that offers the command (IPCKIT_GET_VERSION's
// IPCKIT_FEATURE_URING_CMD, and a command that is not refused): on any
// other (the kernel's binder) the library uses the ioctl instead, saying
// so once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipckit/binder_driver.h"
#include "ipckit/iremote_object.h"
#include "ipckit/message_parcel.h"
#include "ipckit/refbase.h"
#include "ipckit/result.h"

namespace ipckit {

// How a looper thread exchanges commands with the driver.
enum class LooperKind {
    kIoctl,  // BINDER_WRITE_READ, waiting in poll() (the default)
    kUring,  // IPCKIT_URING_CMD_WRITE_READ, waiting on an io_uring
};

// IPCKIT_LOOPER's values: "ioctl" or "uring" ("" means ioctl); nullopt
// for anything else.
std::optional<LooperKind> ParseLooperKind(std::string_view text);
// The kind the pool's loopers use: IPCSkeleton::SetLooperKind's if set,
// else IPCKIT_LOOPER's (an unknown value is said once and ignored).
LooperKind WantedLooperKind();

// Whether a looper of kind `wanted` can run on a driver described by
// `driver` (BinderDriver::ipckit(), nullopt for the kernel's binder):
// `kind` is what to use, `fallback` says why it differs ("" when not).
struct LooperChoice {
    LooperKind kind;
    std::string fallback;
};
LooperChoice ChooseLooper(LooperKind wanted, const std::optional<IpckitDriverInfo>& driver);

// The transport of the calling thread's looper: kUring inside a looper on
// io_uring (a pool thread under IPCKIT_LOOPER=uring, or a UringLooper's
// thread), else kIoctl.
LooperKind CurrentLooperKind();

namespace detail {
class UringTransport;
}

// The calling thread as a looper fed by an io_uring: for servers with an
// event loop of their own. Create() registers the thread with the driver
// (BC_ENTER_LOOPER) and arms a read; add RingFd() to the loop (POLLIN/
// EPOLLIN) and call RunOnce(0) when it is readable. Use it on the thread
// that made it only, and end it (the destructor) on that thread too; the
// thread's own outgoing calls meanwhile go through the ring as well. It is
// the process's first looper (as JoinWorkThread's thread): handing out a
// stub then starts no pool thread; the driver may still ask for more
// (BR_SPAWN_LOOPER, up to SetMaxWorkThreadNum: 0 for none).
//
// The pool's threads need none of this: IPCKIT_LOOPER=uring (or
// IPCSkeleton::SetLooperKind) makes them loop on a ring of their own.
class UringLooper {
public:
    // Errors: the driver cannot be opened, lacks the command (code
    // EOPNOTSUPP: use the ioctl looper), the ring cannot be made.
    static Result<std::unique_ptr<UringLooper>> Create(unsigned entries = 16);
    ~UringLooper();
    UringLooper(const UringLooper&) = delete;
    UringLooper& operator=(const UringLooper&) = delete;

    // For poll/epoll: readable when RunOnce has something to serve.
    int RingFd() const;
    // Waits at most timeoutMs (-1: for ever, 0: not at all) for what the
    // driver hands this thread, serves it and re-arms the read. The value
    // is whether anything was served; an error once the process stops its
    // loopers (IPCSkeleton::StopWorkThread) or the driver fails.
    Result<bool> RunOnce(int timeoutMs);

private:
    explicit UringLooper(std::unique_ptr<detail::UringTransport> transport);
    std::unique_ptr<detail::UringTransport> transport_;
    const void* thread_;  // the IPCThread it was made on
};

// Many one-way calls with one io_uring_enter (or, on a driver without the
// command, one BINDER_WRITE_READ): each call is its own SQE whose
// BC_TRANSACTION the driver takes during submission, in the order added.
//
//   OnewayBatch batch;
//   for (int i = 0; i < 64; i++)
//       batch.Add(proxy, CODE).WriteInt32(i);
//   for (const Status& s : batch.Submit()) ...
//
// Results come per call, in the order added: ok, or an Error with the IPC
// Kit code (ERR_DEAD_OBJECT, ERR_TRANSACTION_FAILED, ...) and a message
// naming the call. Targets must be proxies (objects in other processes).
class OnewayBatch {
public:
    OnewayBatch() = default;
    ~OnewayBatch();
    OnewayBatch(const OnewayBatch&) = delete;
    OnewayBatch& operator=(const OnewayBatch&) = delete;

    // A call whose parcel the batch owns: fill it before Submit().
    MessageParcel& Add(const sptr<IRemoteObject>& target, uint32_t code);
    // A call on the caller's parcel, which must live (unchanged) until
    // Submit() returns: the driver reads it during submission.
    void Add(const sptr<IRemoteObject>& target, uint32_t code, MessageParcel& data);

    std::size_t Size() const { return calls_.size(); }
    // Sends every call added since the last Submit(); the batch is empty
    // afterwards. The calling thread is the sender (IPCSkeleton's calling
    // identity of the receiver is this process).
    std::vector<Status> Submit();
    // Whether the last Submit() went through io_uring (false: the ioctl).
    bool UsedUring() const { return usedUring_; }

private:
    struct Call {
        sptr<IRemoteObject> target;
        uint32_t code;
        MessageParcel* data;
        std::unique_ptr<MessageParcel> owned;
    };
    std::vector<Call> calls_;
    bool usedUring_ = false;
};

}  // namespace ipckit
