// SPDX-License-Identifier: Apache-2.0
//
// RawCaller: the baseline of the SendRequest row, a binder round trip in
// bare ioctls on a connection of its own, as selftests/bench.c's raw_rtt()
// does it: one BINDER_WRITE_READ carrying BC_TRANSACTION and reading until
// BR_REPLY, then BC_FREE_BUFFER for the reply in a second one. No library
// code runs per call: the connection (fd and receive area) is only opened
// with libipckit's BinderDriver, for its RAII.
#pragma once

#include <cstdint>
#include <string>

#include <ipckit/binder_driver.h>
#include <ipckit/result.h>

namespace shimbench {

class RawCaller {
public:
    static ipckit::Result<RawCaller> Open(const std::string& device);

    // An empty sync call with `code` to handle 0 (the context manager) and
    // its empty reply: 0, or -errno (-EPROTO: an unexpected BR_ command,
    // -EBADMSG: a status reply, both said on stderr).
    int RoundTrip(uint32_t code);

private:
    explicit RawCaller(ipckit::BinderDriver driver) : driver_(std::move(driver)) {}
    int WriteRead(void* bwr);

    ipckit::BinderDriver driver_;
};

}  // namespace shimbench
