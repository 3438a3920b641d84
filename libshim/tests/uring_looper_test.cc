// SPDX-License-Identifier: Apache-2.0
//
// io_uring pieces that need no driver: IPCKIT_LOOPER's parsing, the
// choice between the loopers (and the fallback's reason), the SQE of
// IPCKIT_URING_CMD_WRITE_READ, the refusal by a file without the command,
// and OnewayBatch's per-call errors before anything is sent.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>
#include <linux/ipckit.h>

#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_object_proxy.h"
#include "ipckit/ipc_object_stub.h"
#include "ipckit/ipc_skeleton.h"
#include "ipckit/uring.h"
#include "uring_transport.h"

namespace ipckit {
namespace {

TEST(LooperKind, ParsesIoctlUringAndEmpty)
{
    EXPECT_EQ(ParseLooperKind(""), LooperKind::kIoctl);
    EXPECT_EQ(ParseLooperKind("ioctl"), LooperKind::kIoctl);
    EXPECT_EQ(ParseLooperKind("uring"), LooperKind::kUring);
    EXPECT_EQ(ParseLooperKind("io_uring"), LooperKind::kUring);
    EXPECT_FALSE(ParseLooperKind("URING").has_value());
    EXPECT_FALSE(ParseLooperKind("epoll").has_value());
    EXPECT_FALSE(ParseLooperKind("uring ").has_value());
}

TEST(LooperKind, SetLooperKindOverridesTheEnvironment)
{
    setenv("IPCKIT_LOOPER", "ioctl", 1);
    IPCSkeleton::SetLooperKind(LooperKind::kUring);
    EXPECT_EQ(WantedLooperKind(), LooperKind::kUring);
    IPCSkeleton::SetLooperKind(LooperKind::kIoctl);
    EXPECT_EQ(WantedLooperKind(), LooperKind::kIoctl);
}

TEST(ChooseLooper, IoctlWantedIsIoctlWithoutAWord)
{
    LooperChoice c = ChooseLooper(LooperKind::kIoctl, std::nullopt);
    EXPECT_EQ(c.kind, LooperKind::kIoctl);
    EXPECT_EQ(c.fallback, "");
}

TEST(ChooseLooper, KernelBinderFallsBackToIoctl)
{
    LooperChoice c = ChooseLooper(LooperKind::kUring, std::nullopt);
    EXPECT_EQ(c.kind, LooperKind::kIoctl);
    EXPECT_NE(c.fallback.find("not ipckit's"), std::string::npos) << c.fallback;
    EXPECT_NE(c.fallback.find("ioctl looper"), std::string::npos) << c.fallback;
}

TEST(ChooseLooper, IpckitWithoutTheFeatureFallsBack)
{
    LooperChoice abi1 = ChooseLooper(LooperKind::kUring, IpckitDriverInfo{1, 8, 0});
    EXPECT_EQ(abi1.kind, LooperKind::kIoctl);
    EXPECT_NE(abi1.fallback.find("ABI 1"), std::string::npos) << abi1.fallback;
    // ABI 1 had no flags: whatever the field holds means nothing.
    EXPECT_EQ(ChooseLooper(LooperKind::kUring, IpckitDriverInfo{1, 8, IPCKIT_FEATURE_URING_CMD})
                  .kind,
              LooperKind::kIoctl);
    LooperChoice noFlag = ChooseLooper(LooperKind::kUring, IpckitDriverInfo{2, 8,
                                                                            IPCKIT_FEATURE_NETLINK});
    EXPECT_EQ(noFlag.kind, LooperKind::kIoctl);
    EXPECT_NE(noFlag.fallback.find("IPCKIT_URING_CMD_WRITE_READ"), std::string::npos);
}

TEST(ChooseLooper, IpckitWithTheFeatureUsesUring)
{
    LooperChoice c = ChooseLooper(LooperKind::kUring,
                                  IpckitDriverInfo{2, 8, IPCKIT_FEATURE_URING_CMD |
                                                             IPCKIT_FEATURE_NETLINK});
    EXPECT_EQ(c.kind, LooperKind::kUring);
    EXPECT_EQ(c.fallback, "");
}

TEST(UringSqe, EncodesTheWriteReadCommand)
{
    io_uring_sqe sqe;
    std::memset(&sqe, 0xa5, sizeof(sqe));  // everything must be set
    binder_write_read bwr{};
    detail::PrepWriteRead(&sqe, 7, &bwr, 0x1122334455667788ull);
    EXPECT_EQ(sqe.opcode, IORING_OP_URING_CMD);
    EXPECT_EQ(sqe.flags, 0);  // no IOSQE_ASYNC: io-wq submission is refused
    EXPECT_EQ(sqe.fd, 7);
    EXPECT_EQ(sqe.cmd_op, IPCKIT_URING_CMD_WRITE_READ);
    EXPECT_EQ(sqe.__pad1, 0u);
    EXPECT_EQ(sqe.addr, 0u);
    EXPECT_EQ(sqe.len, 0u);
    EXPECT_EQ(sqe.uring_cmd_flags, 0u);
    EXPECT_EQ(sqe.user_data, 0x1122334455667788ull);
    ipckit_uring_write_read payload;
    std::memcpy(&payload, reinterpret_cast<const unsigned char*>(&sqe) + 48, sizeof(payload));
    EXPECT_EQ(payload.bwr, reinterpret_cast<uintptr_t>(&bwr));
    EXPECT_EQ(payload.flags, 0u);
    EXPECT_EQ(payload.reserved, 0u);
    EXPECT_EQ(IPCKIT_URING_CMD_WRITE_READ,
              _IOWR(IPCKIT_IOCTL_MAGIC, 2, struct ipckit_uring_write_read));
}

TEST(UringSqe, RefusalsMeanTheIoctl)
{
    EXPECT_TRUE(detail::UringRefused(-EOPNOTSUPP));
    EXPECT_TRUE(detail::UringRefused(-EINVAL));
    EXPECT_TRUE(detail::UringRefused(-ENOTTY));
    EXPECT_FALSE(detail::UringRefused(0));
    EXPECT_FALSE(detail::UringRefused(-EFAULT));
    EXPECT_FALSE(detail::UringRefused(-EBUSY));
}

// A file without ->uring_cmd answers the command with EOPNOTSUPP: the
// transport is refused, so a looper would use the ioctl.
TEST(UringTransport, AFileWithoutTheCommandRefusesIt)
{
    auto ring = detail::Ring::Create(4);
    if (!ring)
        GTEST_SKIP() << "no io_uring here: " << ring.error().message;
    EXPECT_GE(ring.value()->fd(), 0);
    EXPECT_GE(ring.value()->entries(), 4u);
    int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto t = detail::UringTransport::Create(fd, 8);
    if (t.ok()) {
        ::close(fd);
        // Linux answers EOPNOTSUPP (no ->uring_cmd); some sandboxes'
        // io_uring completes any command with 0.
        GTEST_SKIP() << "this io_uring completes IORING_OP_URING_CMD on /dev/null";
    }
    EXPECT_TRUE(detail::UringRefused(-t.error().code)) << t.error().message;
    EXPECT_NE(t.error().message.find("refuses"), std::string::npos) << t.error().message;
    ::close(fd);
}

class LocalStub : public IPCObjectStub {
public:
    LocalStub() : IPCObjectStub(u"test.Local") {}
};

TEST(OnewayBatch, ErrorsComePerCallBeforeSending)
{
    setenv("IPCKIT_DEVICE", "/nonexistent/ipckit-test", 1);
    OnewayBatch batch;
    sptr<IRemoteObject> proxy = MakeSptr<IPCObjectProxy>(5);
    batch.Add(nullptr, 1).WriteInt32(0);
    batch.Add(MakeSptr<LocalStub>(), 1).WriteInt32(1);
    batch.Add(proxy, 0).WriteInt32(2);
    MessageParcel mine;
    mine.WriteInt32(3);
    batch.Add(proxy, 1, mine);
    EXPECT_EQ(batch.Size(), 4u);
    std::vector<Status> r = batch.Submit();
    EXPECT_EQ(batch.Size(), 0u);
    ASSERT_EQ(r.size(), 4u);
    for (const Status& s : r)
        EXPECT_FALSE(s.ok());
    EXPECT_EQ(r[0].error().code, ERR_INVALID_DATA);
    EXPECT_NE(r[0].error().message.find("one-way call 0 (code 1)"), std::string::npos);
    EXPECT_NE(r[0].error().message.find("null"), std::string::npos);
    EXPECT_NE(r[1].error().message.find("local object"), std::string::npos);
    EXPECT_EQ(r[2].error().code, IPC_PROXY_INVALID_CODE_ERR);
    EXPECT_EQ(r[3].error().code, IPC_INVOKER_CONNECT_ERR);
    EXPECT_NE(r[3].error().message.find("one-way call 3"), std::string::npos);
    EXPECT_FALSE(batch.UsedUring());
    EXPECT_TRUE(batch.Submit().empty());
}

}  // namespace
}  // namespace ipckit
