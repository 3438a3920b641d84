// SPDX-License-Identifier: Apache-2.0
//
// EventFd (internal): an eventfd(2) used as a latch. Once Signal()led it
// stays readable (nobody reads it), so every thread that polls it, now or
// later, sees the event. Closed with its owner, as UniqueFd does.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "ipckit/unique_fd.h"

namespace ipckit::detail {

class EventFd {
public:
    // An invalid EventFd (errno says why) when the eventfd cannot be made.
    static EventFd Create() { return EventFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)); }

    EventFd() = default;
    EventFd(EventFd&&) noexcept = default;
    EventFd& operator=(EventFd&&) noexcept = default;
    EventFd(const EventFd&) = delete;
    EventFd& operator=(const EventFd&) = delete;

    bool valid() const { return fd_.valid(); }
    int fd() const { return fd_.get(); }  // for poll(): POLLIN once signalled

    // Makes the fd readable. False only when it could not be written.
    bool Signal() const
    {
        const uint64_t one = 1;
        for (;;) {
            if (::write(fd_.get(), &one, sizeof(one)) == sizeof(one))
                return true;
            // EAGAIN: the counter is at its maximum, so readable already.
            if (errno == EAGAIN)
                return true;
            if (errno != EINTR)
                return false;
        }
    }

private:
    explicit EventFd(int fd) : fd_(fd) {}

    UniqueFd fd_;
};

}  // namespace ipckit::detail
