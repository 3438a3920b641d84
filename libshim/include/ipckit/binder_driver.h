// SPDX-License-Identifier: Apache-2.0
//
// BinderDriver: one process's connection to a binder device (ipckit's or
// the kernel's own): the open fd and the read-only receive area.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "ipckit/result.h"
#include "ipckit/unique_fd.h"

namespace ipckit {

// The receive-area size user libraries choose: 1 MiB minus two pages,
// which keeps one transaction under the 1 MB IPC Kit limit.
inline constexpr std::size_t kDefaultMapSize = (1u << 20) - 2 * 4096;

// The device a process uses unless IPCKIT_DEVICE names another.
std::string DefaultDevicePath();

struct IpckitDriverInfo {
    unsigned abiVersion;
    unsigned protocolVersion;
    unsigned flags = 0;  // IPCKIT_FEATURE_* (ABI 2 and later)
};

class BinderDriver {
public:
    // Opens `path`, checks it speaks binder protocol 8 and maps
    // `mapSize` bytes of receive area (0: map nothing).
    static Result<BinderDriver> Open(const std::string& path,
                                     std::size_t mapSize = kDefaultMapSize);

    BinderDriver(BinderDriver&& other) noexcept;
    BinderDriver& operator=(BinderDriver&& other) noexcept;
    BinderDriver(const BinderDriver&) = delete;
    BinderDriver& operator=(const BinderDriver&) = delete;
    ~BinderDriver();

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }
    int protocolVersion() const { return protocolVersion_; }
    // Set when the device is ipckit's; the kernel's binder has no such ioctl.
    const std::optional<IpckitDriverInfo>& ipckit() const { return ipckit_; }
    const void* mapping() const { return map_; }
    std::size_t mappingSize() const { return mapSize_; }

private:
    BinderDriver() = default;
    void Unmap();

    UniqueFd fd_;
    std::string path_;
    int protocolVersion_ = 0;
    std::optional<IpckitDriverInfo> ipckit_;
    void* map_ = nullptr;
    std::size_t mapSize_ = 0;
};

}  // namespace ipckit
