// SPDX-License-Identifier: Apache-2.0
//
// ChildProcess: a role of this program (fork + exec of /proc/self/exe) with
// IPCKIT_DEVICE set for it, its stdin and stdout pipes to us, and a bounded
// end: killed and reaped by the destructor if still there. The child dies
// with us (PR_SET_PDEATHSIG), so nothing outlives a crashed coordinator.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include <ipckit/result.h>
#include <ipckit/unique_fd.h>

namespace shimbench {

class ChildProcess {
public:
    // Starts `/proc/self/exe args...` with IPCKIT_DEVICE=device.
    static ipckit::Result<ChildProcess> Spawn(const std::vector<std::string>& args,
                                              const std::string& device);

    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&&) = delete;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    pid_t pid() const { return pid_; }
    // The child's stdin and stdout.
    int in() const { return in_.get(); }
    int out() const { return out_.get(); }

    // Closes its stdin (its end of input) and waits up to timeoutMs for it
    // to exit, then kills it. Its wait status, or -1 if it had to be killed.
    int Finish(int timeoutMs);
    // Kills and reaps it now.
    void Kill();

private:
    ChildProcess() = default;

    pid_t pid_ = -1;
    ipckit::UniqueFd in_;
    ipckit::UniqueFd out_;
};

// The whole of `size` bytes, retrying short writes and EINTR.
bool WriteAll(int fd, const void* data, std::size_t size);
// Exactly `size` bytes within timeoutMs (-1: no limit); false on EOF,
// error or timeout, with errno set (ETIMEDOUT, EPIPE for EOF).
bool ReadAll(int fd, void* data, std::size_t size, int timeoutMs);

}  // namespace shimbench
