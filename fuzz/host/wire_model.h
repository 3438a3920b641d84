// SPDX-License-Identifier: Apache-2.0
//
// An independent model of MessageParcel's wire format, written from its
// documentation (message_parcel.h) rather than from its code: for a read
// at a position it says whether the read can succeed, what it gives, and
// where the next read starts. The fuzz targets compare every read against
// it. Each returns nothing when the read must fail.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <linux/ipckit.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

namespace wire {

template <typename T>
struct Value {
    T value;
    std::size_t end;  // where the next read starts
};

class Model {
public:
    static constexpr std::size_t kObject = sizeof(flat_binder_object);
    static constexpr std::size_t kMaxRawDataInline = 32 * 1024;
    static constexpr std::size_t kMaxRawDataSize = 128 * 1024 * 1024;

    Model(const std::vector<uint8_t>& data, const std::vector<uint64_t>& offsets)
        : data_(data), offsets_(offsets)
    {
    }

    const uint8_t* data() const { return data_.data(); }
    std::size_t size() const { return data_.size(); }

    // SetDataReference's contract: each offset 4-aligned, a whole object
    // inside the data, after the previous object.
    static bool OffsetsValid(std::size_t size, const std::vector<uint64_t>& offsets)
    {
        for (std::size_t i = 0; i < offsets.size(); ++i) {
            const uint64_t o = offsets[i];
            if (o % 4 != 0 || size < kObject || o > size - kObject ||
                (i > 0 && o < offsets[i - 1] + kObject))
                return false;
        }
        return true;
    }

    static std::size_t Pad(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

    // `n` bytes (padded) at `start`: where they end, if they are there.
    std::optional<std::size_t> Buffer(std::size_t start, std::size_t n) const
    {
        if (n == 0 || start > size() || n > size() || Pad(n) > size() - start)
            return std::nullopt;
        return start + Pad(n);
    }

    // Unpadded: the bytes themselves must be there; the padding is skipped
    // as far as the data goes.
    std::optional<std::size_t> UnpadBuffer(std::size_t start, std::size_t n) const
    {
        if (n == 0 || start > size() || n > size() - start)
            return std::nullopt;
        return std::min(start + Pad(n), size());
    }

    template <typename T>
    std::optional<T> Pod(std::size_t start) const
    {
        if (start > size() || sizeof(T) > size() - start)
            return std::nullopt;
        T value;
        std::memcpy(&value, data() + start, sizeof(T));
        return value;
    }

    // Int32 length (not negative), the characters, a NUL, padding.
    std::optional<Value<std::string>> String(std::size_t start) const
    {
        const auto n = Pod<int32_t>(start);
        if (!n || *n < 0)
            return std::nullopt;
        const auto len = static_cast<std::size_t>(*n);
        const auto end = Buffer(start + 4, len + 1);
        if (!end || data()[start + 4 + len] != 0)
            return std::nullopt;
        return Value<std::string>{
            std::string(reinterpret_cast<const char*>(data() + start + 4), len), *end};
    }

    std::optional<Value<std::u16string>> String16(std::size_t start) const
    {
        const auto n = Pod<int32_t>(start);
        if (!n || *n < 0)
            return std::nullopt;
        const auto units = static_cast<std::size_t>(*n);
        const auto end = Buffer(start + 4, (units + 1) * 2);
        if (!end)
            return std::nullopt;
        std::u16string s(units + 1, u'\0');
        std::memcpy(s.data(), data() + start + 4, (units + 1) * 2);
        if (s.back() != 0)
            return std::nullopt;
        s.pop_back();
        return Value<std::u16string>{std::move(s), *end};
    }

    // A vector's count, when it is one a successful read could have.
    std::optional<std::size_t> VectorCount(std::size_t start) const
    {
        const auto n = Pod<int32_t>(start);
        if (!n || *n < 0)
            return std::nullopt;
        return static_cast<std::size_t>(*n);
    }

    std::optional<Value<std::vector<int32_t>>> Int32Vector(std::size_t start) const
    {
        const auto n = VectorCount(start);
        if (!n || *n > (size() - start - 4) / 4)
            return std::nullopt;
        std::vector<int32_t> v(*n);
        if (*n > 0)
            std::memcpy(v.data(), data() + start + 4, *n * 4);
        return Value<std::vector<int32_t>>{std::move(v), start + 4 + *n * 4};
    }

    // Int32 policy, Int32 work source, String16 name.
    std::optional<Value<std::u16string>> InterfaceToken(std::size_t start) const
    {
        if (!Pod<int32_t>(start) || !Pod<int32_t>(start + 4))
            return std::nullopt;
        return String16(start + 8);
    }

    bool ObjectAt(std::size_t start) const
    {
        return std::binary_search(offsets_.begin(), offsets_.end(), uint64_t{start});
    }

    flat_binder_object ObjectBytes(std::size_t start) const
    {
        flat_binder_object fbo;
        std::memcpy(&fbo, data() + start, sizeof(fbo));
        return fbo;
    }

    std::optional<std::size_t> FlatObject(std::size_t start, std::size_t n) const
    {
        if (n == 0 || !ObjectAt(start))
            return std::nullopt;
        return Buffer(start, n);
    }

    struct Remote {
        enum Kind { kNone, kNull, kStub, kHandle } kind;
        uint32_t handle;
        std::size_t end;
    };

    // A recorded object is consumed whatever its type; plain data is
    // consumed only when it is a null binder (what a null object writes).
    Remote RemoteObject(std::size_t start) const
    {
        if (ObjectAt(start)) {
            const auto fbo = ObjectBytes(start);
            switch (fbo.hdr.type) {
            case BINDER_TYPE_BINDER:
            case BINDER_TYPE_WEAK_BINDER:
                return {Remote::kStub, 0, start + kObject};
            case BINDER_TYPE_HANDLE:
            case BINDER_TYPE_WEAK_HANDLE:
                return {Remote::kHandle, fbo.handle, start + kObject};
            default:
                return {Remote::kNull, 0, start + kObject};
            }
        }
        if (Buffer(start, kObject)) {
            const auto fbo = ObjectBytes(start);
            if (fbo.hdr.type == BINDER_TYPE_BINDER && fbo.binder == 0)
                return {Remote::kNull, 0, start + kObject};
        }
        return {Remote::kNone, 0, start};
    }

    // The descriptor the driver installed for an fd object at `start`.
    std::optional<int> Fd(std::size_t start) const
    {
        if (!ObjectAt(start))
            return std::nullopt;
        const auto fbo = ObjectBytes(start);
        if (fbo.hdr.type != BINDER_TYPE_FD)
            return std::nullopt;
        return static_cast<int>(fbo.handle);
    }

    // A memfd sealed against shrinking (and, for raw data, writing) with
    // at least `n` bytes: what ReadAshmem and ReadRawData accept.
    static bool Region(int fd, std::size_t n, bool immutable)
    {
        struct stat st{};
        const int seals = ::fcntl(fd, F_GET_SEALS);
        if (n == 0 || n > INT32_MAX || ::fstat(fd, &st) != 0 || st.st_size < 0 ||
            static_cast<std::size_t>(st.st_size) < n || seals < 0 || !(seals & F_SEAL_SHRINK))
            return false;
        return !immutable || (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE));
    }

    struct Raw {
        bool inlineData;
        std::size_t end;
    };

    // Int32 size, then the bytes inline or an fd object for a region.
    std::optional<Raw> RawData(std::size_t start, std::size_t n) const
    {
        const auto announced = Pod<int32_t>(start);
        if (n == 0 || n > kMaxRawDataSize || !announced || *announced < 0 ||
            static_cast<std::size_t>(*announced) != n)
            return std::nullopt;
        if (n <= kMaxRawDataInline) {
            const auto end = Buffer(start + 4, n);
            return end ? std::optional<Raw>(Raw{true, *end}) : std::nullopt;
        }
        const auto fd = Fd(start + 4);
        if (!fd || !Region(*fd, n, true))
            return std::nullopt;
        return Raw{false, start + 4 + kObject};
    }

    struct Shm {
        int fd;
        int32_t size;
        std::size_t end;
    };

    // An fd object, then the Int32 size.
    std::optional<Shm> Ashmem(std::size_t start) const
    {
        const auto fd = Fd(start);
        const auto n = Pod<int32_t>(start + kObject);
        if (!fd || !n || *n <= 0 || !Region(*fd, static_cast<std::size_t>(*n), false))
            return std::nullopt;
        return Shm{*fd, *n, start + kObject + 4};
    }

private:
    const std::vector<uint8_t>& data_;
    const std::vector<uint64_t>& offsets_;
};

}  // namespace wire
