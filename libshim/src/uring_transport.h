// SPDX-License-Identifier: Apache-2.0
//
// io_uring as a thread's way to the driver (internal): the ring (RAII),
// the SQE of IPCKIT_URING_CMD_WRITE_READ, and UringTransport, the
// Transport (ipc_thread.h) a uring looper thread uses instead of the
// BINDER_WRITE_READ ioctl. The command processing above it is the ioctl
// looper's, unchanged.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <linux/ipckit.h>

#include "ipc_thread.h"
#include "ipckit/result.h"

namespace ipckit::detail {

// Fills `sqe` with IPCKIT_URING_CMD_WRITE_READ on device `fd` for `bwr`
// (which must live until the command completes), tagged `tag`.
void PrepWriteRead(io_uring_sqe* sqe, int fd, const binder_write_read* bwr, uint64_t tag);

// Whether a command's result says the driver has no such command (the
// kernel's binder, or an ipckit that refuses it): use the ioctl.
inline bool UringRefused(int res)
{
    return res == -EOPNOTSUPP || res == -EINVAL || res == -ENOTTY;
}

// An io_uring: io_uring_queue_exit when it goes.
class Ring {
public:
    static Result<std::unique_ptr<Ring>> Create(unsigned entries);
    ~Ring();
    Ring(const Ring&) = delete;
    Ring& operator=(const Ring&) = delete;

    io_uring* get() { return &ring_; }
    int fd() const { return ring_.ring_fd; }
    unsigned entries() const { return entries_; }

private:
    Ring() = default;
    io_uring ring_{};
    unsigned entries_ = 0;
};

// Asks the driver, on a ring of its own, whether it takes the command
// (an empty binder_write_read): 0, or the CQE's (or setup's) -errno.
// Remembered for the process after the first answer.
int UringSupported(int driverFd);

class UringTransport;
// The transport of a pool looper on driver `fd`: a ring when the looper
// kind is uring (WantedLooperKind) and the driver takes the command, else
// null (the ioctl), the reason said once per process.
std::unique_ptr<UringTransport> LooperTransport(int fd);

class UringTransport final : public Transport {
public:
    // A ring for the calling thread's exchanges with driver `fd`; fails
    // (EOPNOTSUPP) when the driver refuses the command.
    static Result<std::unique_ptr<UringTransport>> Create(int fd, unsigned entries);
    ~UringTransport() override;

    int RingFd() const { return ring_->fd(); }
    int WriteRead(binder_write_read& bwr) override;
    Wait WaitAndRead(binder_write_read& bwr, int timeoutMs, int stopFd, int& err) override;
    void ArmRead(std::size_t size) override;
    bool EndRead(binder_write_read& bwr, int& err) override;
    // For a looper in an external event loop, whose only signal is the
    // ring's fd: after each exchange outside RunOnce the read is armed
    // again, and if the exchange took a read's completion (what it
    // brought may be more than the exchange served) a NOP completes, so
    // the fd wakes the loop. RunOnce calls Woken() first.
    void SetExternalLoop(bool on) { external_ = on; }
    void Woken() { needWake_ = false; }

private:
    enum : uint64_t { kReadTag = 1, kWakeTag = 2, kFirstTag = 3 };
    // The armed read's binder_write_read and buffer: heap, and left to
    // the kernel (leaked) if a read cannot be ended before the ring goes.
    struct PendingRead {
        binder_write_read bwr{};
        std::vector<uint8_t> buf;
    };

    explicit UringTransport(int fd, std::unique_ptr<Ring> ring);
    // Queues the read SQE (submitted with the next io_uring_submit).
    bool PrepRead(std::size_t size);
    int SubmitAll();
    void Handle(const io_uring_cqe* cqe);
    // Takes every CQE already there.
    void Drain();
    // Waits for the CQE tagged `tag`: its res.
    int WaitTag(uint64_t tag);
    int Exchange(binder_write_read& bwr);
    void KeepLoopAwake();
    // The finished read into `bwr` (its buffer, read_consumed).
    void FinishRead(binder_write_read& bwr, int& err);

    const int fd_;
    std::unique_ptr<Ring> ring_;
    std::unique_ptr<PendingRead> read_;
    bool readArmed_ = false;  // a read SQE went (or goes) to the kernel
    bool readDone_ = false;   // ...and its CQE came
    int readRes_ = 0;
    uint64_t waitedTag_ = 0;  // the write CQE WaitTag looks for
    int waitedRes_ = 0;
    bool waitedDone_ = false;
    uint64_t nextTag_ = kFirstTag;
    bool external_ = false;
    bool inWait_ = false;     // in WaitAndRead: a read's CQE is the loop's own
    bool needWake_ = false;   // a read's CQE went to an exchange
    bool wakeInCq_ = false;   // a wake NOP is in the CQ
    std::size_t readSize_ = 0;  // of the last read armed
};

}  // namespace ipckit::detail
