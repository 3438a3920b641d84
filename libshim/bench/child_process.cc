// SPDX-License-Identifier: Apache-2.0
#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

namespace shimbench {
namespace {

using Clock = std::chrono::steady_clock;

ipckit::Error ErrnoError(const std::string& what)
{
    int err = errno;
    return ipckit::Error{err, what + ": " + std::strerror(err)};
}

}  // namespace

ipckit::Result<ChildProcess> ChildProcess::Spawn(const std::vector<std::string>& args,
                                                 const std::string& device)
{
    // O_CLOEXEC: a later child must not inherit these, or EOF never comes.
    int toChild[2], fromChild[2];
    if (::pipe2(toChild, O_CLOEXEC) != 0)
        return ErrnoError("pipe");
    ChildProcess c;
    c.in_.reset(toChild[1]);
    ipckit::UniqueFd childIn(toChild[0]);
    if (::pipe2(fromChild, O_CLOEXEC) != 0)
        return ErrnoError("pipe");
    c.out_.reset(fromChild[0]);
    ipckit::UniqueFd childOut(fromChild[1]);

    // Built before fork: the child only calls async-signal-safe functions
    // (and setenv, safe here: the coordinator has no other threads).
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t parent = ::getpid();
    c.pid_ = ::fork();
    if (c.pid_ < 0)
        return ErrnoError("fork");
    if (c.pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);
        if (::dup2(childIn.get(), 0) < 0 || ::dup2(childOut.get(), 1) < 0)
            ::_exit(127);
        ::setenv("IPCKIT_DEVICE", device.c_str(), 1);
        ::execv("/proc/self/exe", argv.data());
        ::_exit(127);
    }
    return c;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      in_(std::move(other.in_)),
      out_(std::move(other.out_))
{
}

ChildProcess::~ChildProcess()
{
    Kill();
}

void ChildProcess::Kill()
{
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

int ChildProcess::Finish(int timeoutMs)
{
    in_.reset();
    auto end = Clock::now() + std::chrono::milliseconds(timeoutMs);
    while (pid_ > 0) {
        int status;
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            return status;
        }
        if (r < 0 && errno != EINTR)
            break;
        if (Clock::now() >= end)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Kill();
    return -1;
}

bool WriteAll(int fd, const void* data, std::size_t size)
{
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool ReadAll(int fd, void* data, std::size_t size, int timeoutMs)
{
    auto* p = static_cast<char*>(data);
    auto end = Clock::now() + std::chrono::milliseconds(timeoutMs);
    while (size > 0) {
        int wait = -1;
        if (timeoutMs >= 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
            wait = left.count() > 0 ? static_cast<int>(left.count()) : 0;
        }
        pollfd pfd{fd, POLLIN, 0};
        int r = ::poll(&pfd, 1, wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return false;
        if (r == 0) {
            errno = ETIMEDOUT;
            return false;
        }
        ssize_t n = ::read(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0) {
            errno = EPIPE;
            return false;
        }
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace shimbench
