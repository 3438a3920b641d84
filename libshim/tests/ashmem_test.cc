// SPDX-License-Identifier: Apache-2.0
//
// Host tests of Ashmem over memfd: no kernel module needed.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <ipckit/ashmem.h>

namespace {

using ipckit::Ashmem;
using ipckit::sptr;

constexpr int32_t kSize = 4096;

sptr<Ashmem> Create(int32_t size = kSize) {
    return Ashmem::CreateAshmem("ashmem_test", size);
}

// A second object on a dup of the region's descriptor, as a receiver gets.
sptr<Ashmem> Receiver(const sptr<Ashmem>& a) {
    int fd = ::fcntl(a->GetAshmemFd(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return nullptr;
    return ipckit::MakeSptr<Ashmem>(fd, a->GetAshmemSize());
}

TEST(Ashmem, CreateMapWriteReadRoundTrip) {
    auto a = Create();
    ASSERT_TRUE(a);
    EXPECT_GE(a->GetAshmemFd(), 0);
    EXPECT_EQ(kSize, a->GetAshmemSize());
    EXPECT_EQ(PROT_READ | PROT_WRITE, a->GetProtection());
    EXPECT_EQ(FD_CLOEXEC, ::fcntl(a->GetAshmemFd(), F_GETFD) & FD_CLOEXEC);
    ASSERT_TRUE(a->MapReadAndWriteAshmem());

    const std::string msg = "hello, ashmem";
    ASSERT_TRUE(a->WriteToAshmem(msg.data(), static_cast<int32_t>(msg.size()), 100));
    auto* p = static_cast<const char*>(a->ReadFromAshmem(static_cast<int32_t>(msg.size()), 100));
    ASSERT_NE(nullptr, p);
    EXPECT_EQ(msg, std::string(p, msg.size()));

    // The last byte and the whole region are in bounds.
    const char z = 'z';
    EXPECT_TRUE(a->WriteToAshmem(&z, 1, kSize - 1));
    EXPECT_EQ('z', *static_cast<const char*>(a->ReadFromAshmem(1, kSize - 1)));
    EXPECT_NE(nullptr, a->ReadFromAshmem(kSize, 0));

    // What was written is in the file, not just in the mapping.
    char buf[13] = {};
    ASSERT_EQ(13, ::pread(a->GetAshmemFd(), buf, sizeof(buf), 100));
    EXPECT_EQ(0, std::memcmp(buf, msg.data(), msg.size()));
}

TEST(Ashmem, BoundsAreChecked) {
    auto a = Create();
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->MapReadAndWriteAshmem());
    char buf[16] = {};
    constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

    EXPECT_FALSE(a->WriteToAshmem(buf, 1, kSize));         // offset at the end
    EXPECT_FALSE(a->WriteToAshmem(buf, 2, kSize - 1));     // runs past the end
    EXPECT_FALSE(a->WriteToAshmem(buf, kSize + 1, 0));
    EXPECT_FALSE(a->WriteToAshmem(buf, kMax, 1));          // offset + size overflows
    EXPECT_FALSE(a->WriteToAshmem(buf, 1, kMax));
    EXPECT_FALSE(a->WriteToAshmem(buf, 1, -1));
    EXPECT_FALSE(a->WriteToAshmem(buf, -1, 0));
    EXPECT_FALSE(a->WriteToAshmem(buf, 0, 0));
    EXPECT_FALSE(a->WriteToAshmem(nullptr, 1, 0));

    EXPECT_EQ(nullptr, a->ReadFromAshmem(1, kSize));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(2, kSize - 1));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(kSize + 1, 0));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(kMax, 1));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(1, kMax));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(1, -1));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(-1, 0));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(0, 0));
}

TEST(Ashmem, UnmappedRegionRefusesReadsAndWrites) {
    auto a = Create();
    ASSERT_TRUE(a);
    char c = 'x';
    EXPECT_FALSE(a->WriteToAshmem(&c, 1, 0));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(1, 0));
    ASSERT_TRUE(a->MapReadAndWriteAshmem());
    a->UnmapAshmem();
    EXPECT_FALSE(a->WriteToAshmem(&c, 1, 0));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(1, 0));
    a->UnmapAshmem();  // twice is harmless
    EXPECT_TRUE(a->MapReadOnlyAshmem());  // and it can be mapped again
}

TEST(Ashmem, ReadOnlyMappingRefusesWrites) {
    auto a = Create();
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->MapReadAndWriteAshmem());
    const char c = 'q';
    ASSERT_TRUE(a->WriteToAshmem(&c, 1, 7));
    a->UnmapAshmem();

    ASSERT_TRUE(a->MapReadOnlyAshmem());
    const char d = 'r';
    EXPECT_FALSE(a->WriteToAshmem(&d, 1, 7));
    EXPECT_EQ('q', *static_cast<const char*>(a->ReadFromAshmem(1, 7)));
    // The region itself is still writable: only this mapping is not.
    EXPECT_EQ(PROT_READ | PROT_WRITE, a->GetProtection());
}

TEST(Ashmem, MapTypesOtherThanReadAndReadWriteAreRefused) {
    auto a = Create();
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->MapAshmem(PROT_NONE));
    EXPECT_FALSE(a->MapAshmem(PROT_WRITE));
    EXPECT_FALSE(a->MapAshmem(PROT_READ | PROT_EXEC));
    EXPECT_FALSE(a->MapAshmem(PROT_READ | PROT_WRITE | PROT_EXEC));
    EXPECT_FALSE(a->MapAshmem(-1));
    EXPECT_TRUE(a->MapAshmem(PROT_READ));
}

TEST(Ashmem, DoubleMapFails) {
    auto a = Create();
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->MapReadAndWriteAshmem());
    EXPECT_FALSE(a->MapReadAndWriteAshmem());
    EXPECT_FALSE(a->MapReadOnlyAshmem());
    // The first mapping is untouched.
    const char c = 'k';
    EXPECT_TRUE(a->WriteToAshmem(&c, 1, 0));
}

TEST(Ashmem, DroppingWriteIsEnforcedByTheKernel) {
    auto a = Create();
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->MapReadAndWriteAshmem());
    const char c = 'w';
    ASSERT_TRUE(a->WriteToAshmem(&c, 1, 0));

    EXPECT_TRUE(a->SetProtection(PROT_READ | PROT_WRITE));  // no change
    ASSERT_TRUE(a->SetProtection(PROT_READ));
    EXPECT_EQ(PROT_READ, a->GetProtection());
    EXPECT_TRUE(a->SetProtection(PROT_READ));  // again: still read-only
    EXPECT_FALSE(a->SetProtection(PROT_READ | PROT_WRITE));
    EXPECT_EQ(PROT_READ, a->GetProtection());

    // The library refuses to write even through the existing mapping...
    EXPECT_FALSE(a->WriteToAshmem(&c, 1, 0));
    EXPECT_EQ('w', *static_cast<const char*>(a->ReadFromAshmem(1, 0)));
    // ...and the kernel refuses new writable mappings and write(2).
    a->UnmapAshmem();
    EXPECT_FALSE(a->MapReadAndWriteAshmem());
    errno = 0;
    EXPECT_EQ(-1, ::write(a->GetAshmemFd(), &c, 1));
    EXPECT_EQ(EPERM, errno);
    errno = 0;
    EXPECT_EQ(MAP_FAILED, ::mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_SHARED,
                                 a->GetAshmemFd(), 0));
    EXPECT_EQ(EPERM, errno);
    // Reading is still allowed.
    ASSERT_TRUE(a->MapReadOnlyAshmem());
    EXPECT_EQ('w', *static_cast<const char*>(a->ReadFromAshmem(1, 0)));
}

TEST(Ashmem, ExistingWritableMappingSurvivesDroppingWrite) {
    auto a = Create();
    ASSERT_TRUE(a);
    // A raw mapping the creator made before dropping write keeps working:
    // rights already granted are not revoked (F_SEAL_FUTURE_WRITE).
    void* raw = ::mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_SHARED,
                       a->GetAshmemFd(), 0);
    ASSERT_NE(MAP_FAILED, raw);
    ASSERT_TRUE(a->SetProtection(PROT_READ));
    static_cast<char*>(raw)[5] = 'e';
    ASSERT_TRUE(a->MapReadOnlyAshmem());
    EXPECT_EQ('e', static_cast<const char*>(a->ReadFromAshmem(1, 5))[0]);
    ::munmap(raw, kSize);
}

TEST(Ashmem, OtherProtectionsAreRefused) {
    auto a = Create();
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->SetProtection(PROT_NONE));
    EXPECT_FALSE(a->SetProtection(PROT_EXEC));
    EXPECT_FALSE(a->SetProtection(PROT_READ | PROT_EXEC));
    EXPECT_FALSE(a->SetProtection(PROT_WRITE));
    EXPECT_FALSE(a->SetProtection(-1));
    EXPECT_EQ(PROT_READ | PROT_WRITE, a->GetProtection());
}

TEST(Ashmem, ReceiverSeesTheSameBytesAndTheSameProtection) {
    auto a = Create();
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->MapReadAndWriteAshmem());
    const std::string msg = "shared";
    ASSERT_TRUE(a->WriteToAshmem(msg.data(), static_cast<int32_t>(msg.size()), 10));

    auto b = Receiver(a);
    ASSERT_TRUE(b);
    EXPECT_NE(a->GetAshmemFd(), b->GetAshmemFd());
    EXPECT_EQ(kSize, b->GetAshmemSize());
    ASSERT_TRUE(b->MapReadOnlyAshmem());
    auto* p = static_cast<const char*>(b->ReadFromAshmem(static_cast<int32_t>(msg.size()), 10));
    ASSERT_NE(nullptr, p);
    EXPECT_EQ(msg, std::string(p, msg.size()));

    // A later write by the sender shows through the receiver's mapping.
    const char c = '!';
    ASSERT_TRUE(a->WriteToAshmem(&c, 1, 10));
    EXPECT_EQ('!', p[0]);

    // Once the sender drops write, the receiver cannot get it back.
    ASSERT_TRUE(a->SetProtection(PROT_READ));
    auto r = Receiver(a);
    ASSERT_TRUE(r);
    EXPECT_EQ(PROT_READ, r->GetProtection());
    EXPECT_FALSE(r->MapReadAndWriteAshmem());
    EXPECT_FALSE(r->SetProtection(PROT_READ | PROT_WRITE));
    errno = 0;
    EXPECT_EQ(-1, ::pwrite(r->GetAshmemFd(), &c, 1, 0));
    EXPECT_EQ(EPERM, errno);
    ASSERT_TRUE(r->MapReadOnlyAshmem());
    EXPECT_EQ('!', static_cast<const char*>(r->ReadFromAshmem(1, 10))[0]);
}

TEST(Ashmem, ReceiverCanDropWriteForEveryone) {
    auto a = Create();
    ASSERT_TRUE(a);
    auto b = Receiver(a);
    ASSERT_TRUE(b);
    ASSERT_TRUE(b->SetProtection(PROT_READ));
    EXPECT_EQ(PROT_READ, a->GetProtection());
    EXPECT_FALSE(a->MapReadAndWriteAshmem());
}

TEST(Ashmem, SizeIsSealed) {
    auto a = Create();
    ASSERT_TRUE(a);
    int fd = a->GetAshmemFd();
    errno = 0;
    EXPECT_NE(0, ::ftruncate(fd, kSize * 2));
    EXPECT_EQ(EPERM, errno);
    errno = 0;
    EXPECT_NE(0, ::ftruncate(fd, kSize / 2));
    EXPECT_EQ(EPERM, errno);
    EXPECT_NE(0, ::ftruncate(fd, 0));
    // Writing past the end would grow it.
    const char c = 'g';
    EXPECT_EQ(-1, ::pwrite(fd, &c, 1, kSize));
    int seals = ::fcntl(fd, F_GET_SEALS);
    EXPECT_EQ(F_SEAL_SHRINK | F_SEAL_GROW, seals & (F_SEAL_SHRINK | F_SEAL_GROW));
    EXPECT_EQ(0, seals & F_SEAL_SEAL);  // a receiver may still drop write
}

TEST(Ashmem, SizeLargerThanTheFileIsNotMapped) {
    // A receiver told a size the file does not have must not map past EOF.
    auto a = Create();
    ASSERT_TRUE(a);
    auto liar = ipckit::MakeSptr<Ashmem>(::fcntl(a->GetAshmemFd(), F_DUPFD_CLOEXEC, 0),
                                         kSize * 4);
    EXPECT_FALSE(liar->MapReadOnlyAshmem());
    auto honest = ipckit::MakeSptr<Ashmem>(::fcntl(a->GetAshmemFd(), F_DUPFD_CLOEXEC, 0),
                                           kSize / 2);
    EXPECT_TRUE(honest->MapReadOnlyAshmem());
}

TEST(Ashmem, EverythingFailsCleanlyAfterClose) {
    auto a = Create();
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->MapReadAndWriteAshmem());
    const char c = 'c';
    ASSERT_TRUE(a->WriteToAshmem(&c, 1, 3));
    auto* p = static_cast<const char*>(a->ReadFromAshmem(1, 3));
    ASSERT_NE(nullptr, p);
    int fd = a->GetAshmemFd();

    a->CloseAshmem();
    EXPECT_EQ(-1, a->GetAshmemFd());
    EXPECT_EQ(-1, ::fcntl(fd, F_GETFD));  // really closed
    EXPECT_EQ(0, a->GetAshmemSize());
    EXPECT_EQ(PROT_NONE, a->GetProtection());
    EXPECT_FALSE(a->WriteToAshmem(&c, 1, 3));
    EXPECT_EQ(nullptr, a->ReadFromAshmem(1, 3));
    EXPECT_FALSE(a->SetProtection(PROT_READ));
    EXPECT_FALSE(a->SetProtection(PROT_READ | PROT_WRITE));
    // Pointers handed out before stay valid until the region is unmapped.
    EXPECT_EQ('c', *p);
    a->UnmapAshmem();
    EXPECT_FALSE(a->MapReadOnlyAshmem());
    EXPECT_FALSE(a->MapReadAndWriteAshmem());
    a->CloseAshmem();  // twice is harmless
    EXPECT_EQ(-1, a->GetAshmemFd());
}

TEST(Ashmem, InvalidCreateArguments) {
    errno = 0;
    EXPECT_FALSE(Ashmem::CreateAshmem(nullptr, kSize));
    EXPECT_EQ(EINVAL, errno);
    errno = 0;
    EXPECT_FALSE(Ashmem::CreateAshmem("zero", 0));
    EXPECT_EQ(EINVAL, errno);
    errno = 0;
    EXPECT_FALSE(Ashmem::CreateAshmem("negative", -1));
    EXPECT_EQ(EINVAL, errno);
    // memfd names are limited to 249 bytes; the kernel says why.
    errno = 0;
    EXPECT_FALSE(Ashmem::CreateAshmem(std::string(300, 'n').c_str(), kSize));
    EXPECT_EQ(EINVAL, errno);
}

TEST(Ashmem, DestructorReleasesDescriptorAndMapping) {
    int fd;
    {
        auto a = Create();
        ASSERT_TRUE(a);
        ASSERT_TRUE(a->MapReadAndWriteAshmem());
        fd = a->GetAshmemFd();
        EXPECT_EQ(1, a->GetSptrRefCount());
    }
    EXPECT_EQ(-1, ::fcntl(fd, F_GETFD));
}

TEST(Ashmem, InvalidDescriptorIsAClosedRegion) {
    auto a = ipckit::MakeSptr<Ashmem>(-1, kSize);
    EXPECT_EQ(0, a->GetAshmemSize());
    EXPECT_EQ(PROT_NONE, a->GetProtection());
    EXPECT_FALSE(a->MapReadOnlyAshmem());
}

}  // namespace
