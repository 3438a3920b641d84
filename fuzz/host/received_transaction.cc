// SPDX-License-Identifier: Apache-2.0
#include "received_transaction.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <linux/ipckit.h>

#include "fuzz_check.h"

namespace fuzz {

uint8_t ByteReader::U8()
{
    return empty() ? 0 : data_[pos_++];
}

uint16_t ByteReader::U16()
{
    return static_cast<uint16_t>(U8() | U8() << 8);
}

uint32_t ByteReader::U32()
{
    return U16() | static_cast<uint32_t>(U16()) << 16;
}

uint64_t ByteReader::U64()
{
    return U32() | static_cast<uint64_t>(U32()) << 32;
}

std::span<const uint8_t> ByteReader::Bytes(std::size_t n)
{
    n = std::min(n, left());
    std::span<const uint8_t> out(data_ + pos_, n);
    pos_ += n;
    return out;
}

namespace {

constexpr std::size_t kObjectSize = sizeof(flat_binder_object);

bool InBounds(uint64_t offset, std::size_t size)
{
    return offset % 4 == 0 && size >= kObjectSize && offset <= size - kObjectSize;
}

}  // namespace

ReceivedTransaction::ReceivedTransaction(
    ByteReader& in, std::span<const ipckit::sptr<ipckit::IPCObjectStub>> stubs)
{
    const uint8_t flags = in.U8();
    const std::size_t n = std::min<std::size_t>(in.U8(), kMaxOffsets);
    std::vector<uint64_t> given;
    for (std::size_t i = 0; i < n; ++i)
        given.push_back(in.U32());
    const std::size_t size = std::min<std::size_t>(in.U16(), in.left());
    const auto bytes = in.Bytes(size);
    data_.assign(bytes.begin(), bytes.end());

    if (flags & kRawOffsets) {
        offsets_ = std::move(given);
    } else {
        // The driver refuses a transaction whose offsets are not whole,
        // ordered objects; such a one would never be delivered.
        for (uint64_t o : given) {
            if (!InBounds(o, data_.size()) ||
                (!offsets_.empty() && o < offsets_.back() + kObjectSize))
                break;
            offsets_.push_back(o);
        }
    }
    Translate(stubs);
}

ReceivedTransaction::~ReceivedTransaction()
{
    if (!adopted_)
        CloseFds();
}

void ReceivedTransaction::Translate(std::span<const ipckit::sptr<ipckit::IPCObjectStub>> stubs)
{
    for (uint64_t o : offsets_) {
        // Raw offsets may point anywhere: the parcel must refuse those, and
        // there is no object there to translate.
        if (!InBounds(o, data_.size()))
            continue;
        flat_binder_object fbo;
        std::memcpy(&fbo, data_.data() + o, sizeof(fbo));
        switch (fbo.hdr.type) {
        case BINDER_TYPE_BINDER:
        case BINDER_TYPE_WEAK_BINDER: {
            // Only this process's own nodes come back as binders, with the
            // cookie it gave them.
            const auto& stub = stubs[fbo.cookie % stubs.size()];
            fbo.binder = reinterpret_cast<uintptr_t>(stub->GetRefCounter());
            fbo.cookie = reinterpret_cast<uintptr_t>(stub.GetRefPtr());
            break;
        }
        case BINDER_TYPE_FD:
            fbo.handle = static_cast<__u32>(Install(fbo.cookie));
            break;
        default:
            continue;  // handles stay as they are; other types are not ours
        }
        std::memcpy(data_.data() + o, &fbo, sizeof(fbo));
    }
}

int ReceivedTransaction::Install(uint64_t cookie)
{
    const auto kind = static_cast<FdKind>(cookie & 3);
    int fd = -1;
    if (kind == FdKind::kDevNull) {
        fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    } else {
        fd = ::memfd_create("fuzz-received", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        const auto size = static_cast<off_t>((cookie >> 8) % kMaxMemfdSize);
        CHECK(fd >= 0 && ::ftruncate(fd, size) == 0, "memfd of %lld bytes",
              static_cast<long long>(size));
        int seals = 0;
        if (kind == FdKind::kSealedReadOnly)
            seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
        else if (kind == FdKind::kSealedShrink)
            seals = F_SEAL_SHRINK;
        CHECK(seals == 0 || ::fcntl(fd, F_ADD_SEALS, seals) == 0, "sealing a memfd");
    }
    CHECK(fd >= 0, "installing a received fd");
    fds_.push_back(fd);
    return fd;
}

void ReceivedTransaction::CloseFds()
{
    for (int fd : fds_)
        ::close(fd);
    fds_.clear();
}

bool ReceivedTransaction::Adopt(ipckit::MessageParcel& parcel)
{
    CHECK(!adopted_, "a received buffer is adopted once");
    adopted_ = true;
    // As the invoker's release: the parcel's fds go with the buffer (the
    // invoker then frees the buffer with BC_FREE_BUFFER).
    return parcel.SetDataReference(data_.data(), data_.size(), offsets_.data(), offsets_.size(),
                                   [this] {
                                       ++releases_;
                                       CloseFds();
                                   });
}

std::vector<uint8_t> ReceivedTransaction::Encode(const ipckit::Parcel& parcel, uint8_t flags)
{
    std::vector<uint8_t> out;
    auto put = [&out](uint64_t value, int bytes) {
        for (int i = 0; i < bytes; ++i)
            out.push_back(static_cast<uint8_t>(value >> (8 * i)));
    };
    const auto& offsets = parcel.GetObjectOffsets();
    CHECK(offsets.size() <= kMaxOffsets, "%zu objects in a seed", offsets.size());
    CHECK(parcel.GetDataSize() <= UINT16_MAX, "%zu bytes in a seed", parcel.GetDataSize());
    put(flags, 1);
    put(offsets.size(), 1);
    for (uint64_t o : offsets)
        put(o, 4);
    put(parcel.GetDataSize(), 2);
    const auto* data = reinterpret_cast<const uint8_t*>(parcel.GetData());
    out.insert(out.end(), data, data + parcel.GetDataSize());
    return out;
}

}  // namespace fuzz
