// SPDX-License-Identifier: Apache-2.0
#include "ipckit/binder_driver.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <linux/ipckit.h>

namespace ipckit {
namespace {

Error ErrnoError(int err, const std::string& what) {
    return Error{err, what + ": " + std::strerror(err)};
}

}  // namespace

std::string DefaultDevicePath() {
    const char* env = std::getenv("IPCKIT_DEVICE");
    return env && *env ? env : "/dev/binder";
}

Result<BinderDriver> BinderDriver::Open(const std::string& path,
                                        std::size_t mapSize) {
    BinderDriver d;
    d.path_ = path;
    d.fd_.reset(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!d.fd_.valid())
        return ErrnoError(errno, "cannot open " + path +
                                     " (is the ipckit module loaded?)");

    binder_version ver{};
    if (::ioctl(d.fd(), BINDER_VERSION, &ver) != 0)
        return ErrnoError(errno, path + " is not a binder device (BINDER_VERSION failed)");
    if (ver.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION)
        return Error{EPROTO, path + " speaks binder protocol " +
                                 std::to_string(ver.protocol_version) + ", want " +
                                 std::to_string(BINDER_CURRENT_PROTOCOL_VERSION)};
    d.protocolVersion_ = ver.protocol_version;

    ipckit_version iv{};
    if (::ioctl(d.fd(), IPCKIT_GET_VERSION, &iv) == 0)
        d.ipckit_ = IpckitDriverInfo{iv.abi_version, iv.protocol_version,
                                     iv.abi_version >= 2 ? iv.flags : 0u};

    if (mapSize > 0) {
        void* p = ::mmap(nullptr, mapSize, PROT_READ, MAP_PRIVATE | MAP_NORESERVE,
                         d.fd(), 0);
        if (p == MAP_FAILED)
            return ErrnoError(errno, "cannot map the receive area of " + path);
        d.map_ = p;
        d.mapSize_ = mapSize;
    }
    return d;
}

BinderDriver::BinderDriver(BinderDriver&& other) noexcept
    : fd_(std::move(other.fd_)),
      path_(std::move(other.path_)),
      protocolVersion_(other.protocolVersion_),
      ipckit_(other.ipckit_),
      map_(std::exchange(other.map_, nullptr)),
      mapSize_(std::exchange(other.mapSize_, 0)) {}

BinderDriver& BinderDriver::operator=(BinderDriver&& other) noexcept {
    if (this != &other) {
        Unmap();
        fd_ = std::move(other.fd_);
        path_ = std::move(other.path_);
        protocolVersion_ = other.protocolVersion_;
        ipckit_ = other.ipckit_;
        map_ = std::exchange(other.map_, nullptr);
        mapSize_ = std::exchange(other.mapSize_, 0);
    }
    return *this;
}

BinderDriver::~BinderDriver() { Unmap(); }

void BinderDriver::Unmap() {
    if (map_)
        ::munmap(map_, mapSize_);
    map_ = nullptr;
    mapSize_ = 0;
}

}  // namespace ipckit
