// SPDX-License-Identifier: Apache-2.0
#include "raw_call.h"

#include <sys/ioctl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include <linux/ipckit.h>

namespace shimbench {

ipckit::Result<RawCaller> RawCaller::Open(const std::string& device)
{
    auto driver = ipckit::BinderDriver::Open(device);
    if (!driver)
        return driver.error();
    return RawCaller(std::move(driver.value()));
}

int RawCaller::WriteRead(void* bwr)
{
    int ret;
    do {
        ret = ::ioctl(driver_.fd(), BINDER_WRITE_READ, bwr);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : 0;
}

int RawCaller::RoundTrip(uint32_t code)
{
    struct __attribute__((packed)) {
        uint32_t cmd;
        binder_transaction_data tr;
    } call{};
    call.cmd = BC_TRANSACTION;
    call.tr.target.handle = 0;
    call.tr.code = code;
    call.tr.flags = TF_ACCEPT_FDS;  // as libipckit's proxy sends it

    alignas(8) unsigned char rbuf[256];
    binder_write_read bwr{};
    bwr.write_buffer = reinterpret_cast<uintptr_t>(&call);
    bwr.write_size = sizeof(call);
    binder_uintptr_t reply = 0;
    bool got = false;
    bool status = false;
    while (!got) {
        bwr.read_buffer = reinterpret_cast<uintptr_t>(rbuf);
        bwr.read_size = sizeof(rbuf);
        bwr.read_consumed = 0;
        int ret = WriteRead(&bwr);
        if (ret)
            return ret;
        bwr.write_size = 0;
        bwr.write_consumed = 0;
        // Each BR_ command is a u32 and the payload its _IOC_SIZE says.
        std::size_t pos = 0;
        while (pos + sizeof(uint32_t) <= bwr.read_consumed) {
            uint32_t cmd;
            std::memcpy(&cmd, rbuf + pos, sizeof(cmd));
            pos += sizeof(cmd);
            if (pos + _IOC_SIZE(cmd) > bwr.read_consumed)
                break;
            if (cmd == BR_REPLY) {
                binder_transaction_data tr;
                std::memcpy(&tr, rbuf + pos, sizeof(tr));
                reply = tr.data.ptr.buffer;
                status = tr.flags & TF_STATUS_CODE;
                got = true;
            } else if (cmd != BR_NOOP && cmd != BR_TRANSACTION_COMPLETE) {
                std::fprintf(stderr, "ipckit-shim-bench: raw call got BR_ command %#x\n", cmd);
                return -EPROTO;
            }
            pos += _IOC_SIZE(cmd);
        }
    }
    struct __attribute__((packed)) {
        uint32_t cmd;
        binder_uintptr_t buffer;
    } release{BC_FREE_BUFFER, reply};
    bwr = binder_write_read{};
    bwr.write_buffer = reinterpret_cast<uintptr_t>(&release);
    bwr.write_size = sizeof(release);
    int ret = WriteRead(&bwr);
    if (!ret && status) {
        std::fprintf(stderr, "ipckit-shim-bench: raw call answered with a status code\n");
        return -EBADMSG;
    }
    return ret;
}

}  // namespace shimbench
