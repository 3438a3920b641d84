// SPDX-License-Identifier: Apache-2.0
//
// Host tests of EventFd, the latch that stops the looper pool: readable
// once signalled, for every poller and for good; closed with its owner.
#include <fcntl.h>
#include <poll.h>

#include <cerrno>
#include <utility>

#include <gtest/gtest.h>

#include "event_fd.h"

namespace {

using ipckit::detail::EventFd;

bool ReadableNow(int fd)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

TEST(EventFd, ReadableOnlyAfterSignalAndStaysSo) {
    EventFd e = EventFd::Create();
    ASSERT_TRUE(e.valid());
    EXPECT_FALSE(ReadableNow(e.fd()));
    ASSERT_TRUE(e.Signal());
    EXPECT_TRUE(ReadableNow(e.fd()));
    EXPECT_TRUE(ReadableNow(e.fd()));  // polling does not consume it
    ASSERT_TRUE(e.Signal());
    EXPECT_TRUE(ReadableNow(e.fd()));
}

TEST(EventFd, IsCloseOnExecAndNonBlocking) {
    EventFd e = EventFd::Create();
    ASSERT_TRUE(e.valid());
    EXPECT_TRUE(::fcntl(e.fd(), F_GETFD) & FD_CLOEXEC);
    EXPECT_TRUE(::fcntl(e.fd(), F_GETFL) & O_NONBLOCK);
}

TEST(EventFd, ClosedWithItsOwnerAndMoves) {
    int raw;
    {
        EventFd a = EventFd::Create();
        raw = a.fd();
        EventFd b = std::move(a);
        EXPECT_FALSE(a.valid());
        EXPECT_EQ(raw, b.fd());
        EXPECT_NE(-1, ::fcntl(raw, F_GETFD));
    }
    errno = 0;
    EXPECT_EQ(-1, ::fcntl(raw, F_GETFD));
    EXPECT_EQ(EBADF, errno);
}

TEST(EventFd, InvalidOneIsHarmless) {
    EventFd e;
    EXPECT_FALSE(e.valid());
    EXPECT_EQ(-1, e.fd());
    EXPECT_FALSE(e.Signal());
}

}  // namespace
