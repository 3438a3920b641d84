// SPDX-License-Identifier: Apache-2.0
//
// Host tests of BinderDriver's error paths: no kernel module needed.
#include <fcntl.h>
#include <stdlib.h>

#include <cerrno>

#include <gtest/gtest.h>
#include <ipckit/ipc_kit.h>

namespace {

TEST(BinderDriver, MissingDeviceIsAnErrorNamingThePath) {
    auto d = ipckit::BinderDriver::Open("/nonexistent/ipckit-device");
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(ENOENT, d.error().code);
    EXPECT_NE(std::string::npos, d.error().message.find("/nonexistent/ipckit-device"));
    EXPECT_NE(std::string::npos, d.error().message.find("module loaded"));
}

TEST(BinderDriver, NonBinderDeviceIsRefused) {
    auto d = ipckit::BinderDriver::Open("/dev/null");
    ASSERT_FALSE(d.ok());
    EXPECT_NE(0, d.error().code);
    EXPECT_NE(std::string::npos, d.error().message.find("not a binder device"));
}

TEST(BinderDriver, DefaultDeviceHonoursEnvironment) {
    ::unsetenv("IPCKIT_DEVICE");
    EXPECT_EQ("/dev/binder", ipckit::DefaultDevicePath());
    ::setenv("IPCKIT_DEVICE", "/dev/ipckit", 1);
    EXPECT_EQ("/dev/ipckit", ipckit::DefaultDevicePath());
    ::setenv("IPCKIT_DEVICE", "", 1);
    EXPECT_EQ("/dev/binder", ipckit::DefaultDevicePath());
    ::unsetenv("IPCKIT_DEVICE");
}

TEST(UniqueFd, ClosesExactlyOnceAndMoves) {
    int raw = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(raw, 0);
    {
        ipckit::UniqueFd a(raw);
        ipckit::UniqueFd b(std::move(a));
        EXPECT_FALSE(a.valid());
        EXPECT_EQ(raw, b.get());
        EXPECT_EQ(0, ::fcntl(raw, F_GETFD) < 0);
    }
    errno = 0;
    EXPECT_EQ(-1, ::fcntl(raw, F_GETFD));
    EXPECT_EQ(EBADF, errno);
}

TEST(Result, CarriesValueOrError) {
    ipckit::Result<int> good(42);
    ipckit::Result<int> bad(ipckit::Error{EINVAL, "bad input"});
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(42, good.value());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(EINVAL, bad.error().code);
    EXPECT_EQ("bad input", bad.error().message);
}

}  // namespace
