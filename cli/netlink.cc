// SPDX-License-Identifier: Apache-2.0
//
// Generic netlink sockets for `ipckit` (see netlink.h).
#include "netlink.h"

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include "../uapi/linux/android/binder_netlink.h"
#include "../uapi/linux/ipckit_netlink.h"

namespace ipckit::cli {
namespace {

struct NlMsgDeleter {
    void operator()(nl_msg* msg) const { nlmsg_free(msg); }
};
using NlMsg = std::unique_ptr<nl_msg, NlMsgDeleter>;

struct NlCbDeleter {
    void operator()(nl_cb* cb) const { nl_cb_put(cb); }
};
using NlCb = std::unique_ptr<nl_cb, NlCbDeleter>;

// How long a request waits for the kernel's answer.
constexpr int kRequestTimeoutSeconds = 5;

std::string WhyNoFamily(const std::string& family)
{
    if (family == IPCKIT_FAMILY_NAME)
        return "no generic netlink family \"ipckit\": the ipckit module is not loaded, or it "
               "has no netlink (ipckit older than ABI 2?)";
    if (family == BINDER_FAMILY_NAME)
        return "no generic netlink family \"binder\": no driver here reports failed "
               "transactions (ipckit older than ABI 2, or the kernel's binder before Linux "
               "6.18?)";
    return "no generic netlink family \"" + family + "\"";
}

// One request's answer: each reply message goes to `parse`; the kernel's
// error (errno) or the end of a dump stops it.
struct Exchange {
    std::function<Status(const nlmsghdr*, std::size_t)> parse;
    std::optional<Error> failure;  // the first reply that did not parse
    int kernelError = 0;           // errno from an NLMSG_ERROR
    bool done = false;
};

int OnValid(nl_msg* msg, void* arg)
{
    auto* x = static_cast<Exchange*>(arg);
    const nlmsghdr* nlh = nlmsg_hdr(msg);
    if (!x->failure)
        if (auto s = x->parse(nlh, nlh->nlmsg_len); !s)
            x->failure = s.error();
    return NL_OK;
}

int OnError(sockaddr_nl*, nlmsgerr* err, void* arg)
{
    auto* x = static_cast<Exchange*>(arg);
    x->kernelError = -err->error;
    x->done = true;
    return NL_STOP;
}

int OnDone(nl_msg*, void* arg)
{
    static_cast<Exchange*>(arg)->done = true;
    return NL_STOP;
}

std::string CommandName(uint8_t cmd)
{
    return cmd == IPCKIT_CMD_GET_STATS ? "GET_STATS" : cmd == IPCKIT_CMD_GET_PROC ? "GET_PROC"
                                                                                  : "request";
}

// Sends ipckit's request `cmd` (a dump unless `device` and, for GET_PROC,
// `pid` are given) and feeds each reply to `parse`.
Status Request(uint8_t cmd, const std::optional<std::string>& device,
               const std::optional<uint32_t>& pid, bool dump,
               std::function<Status(const nlmsghdr*, std::size_t)> parse)
{
    auto sock = OpenGenl();
    if (!sock)
        return sock.error();
    auto family = ResolveFamily(sock->get(), IPCKIT_FAMILY_NAME);
    if (!family)
        return family.error();
    const std::string what = "netlink " + CommandName(cmd) + (device ? " for " + *device : "");
    timeval tv{kRequestTimeoutSeconds, 0};
    ::setsockopt(nl_socket_get_fd(sock->get()), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

    NlMsg msg(nlmsg_alloc());
    if (!msg)
        return Error{ENOMEM, what + ": out of memory"};
    if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, *family, 0, dump ? NLM_F_DUMP : 0, cmd,
                     IPCKIT_FAMILY_VERSION) ||
        (device && nla_put_string(msg.get(), IPCKIT_A_DEVICE, device->c_str()) < 0) ||
        (pid && nla_put_u32(msg.get(), IPCKIT_A_PID, *pid) < 0))
        return Error{ENOMEM, what + ": the request does not fit in a message"};

    NlCb cb(nl_cb_alloc(NL_CB_DEFAULT));
    if (!cb)
        return Error{ENOMEM, what + ": out of memory"};
    Exchange x;
    x.parse = std::move(parse);
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, OnValid, &x);
    nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, OnDone, &x);
    nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, OnDone, &x);
    nl_cb_err(cb.get(), NL_CB_CUSTOM, OnError, &x);

    if (int err = nl_send_auto(sock->get(), msg.get()); err < 0)
        return Error{EIO, what + ": cannot send: " + nl_geterror(err)};
    while (!x.done) {
        int err = nl_recvmsgs(sock->get(), cb.get());
        if (x.kernelError)
            break;
        if (err == -NLE_AGAIN)
            return Error{ETIMEDOUT, what + ": no answer from the kernel in " +
                                        std::to_string(kRequestTimeoutSeconds) + " s"};
        if (err < 0)
            return Error{EIO, what + ": " + nl_geterror(err)};
    }
    if (x.kernelError)
        return Error{x.kernelError, what + ": " + std::strerror(x.kernelError)};
    if (x.failure)
        return *x.failure;
    return Ok{};
}

}  // namespace

void NlSockDeleter::operator()(nl_sock* sock) const
{
    nl_socket_free(sock);  // closes its socket too
}

Result<NlSock> OpenGenl()
{
    NlSock sock(nl_socket_alloc());
    if (!sock)
        return Error{ENOMEM, "cannot allocate a netlink socket"};
    if (int err = genl_connect(sock.get()); err < 0)
        return Error{EIO, std::string("cannot open a generic netlink socket: ") +
                              nl_geterror(err)};
    return sock;
}

Result<int> ResolveFamily(nl_sock* sock, const std::string& family)
{
    int id = genl_ctrl_resolve(sock, family.c_str());
    if (id == -NLE_OBJ_NOTFOUND)
        return Error{ENOENT, WhyNoFamily(family)};
    if (id < 0)
        return Error{EIO, "cannot look up generic netlink family \"" + family +
                              "\": " + nl_geterror(id)};
    return id;
}

Result<std::vector<DeviceStats>> NetlinkStats(const std::optional<std::string>& device)
{
    std::vector<DeviceStats> all;
    auto s = Request(IPCKIT_CMD_GET_STATS, device, std::nullopt, !device,
                     [&](const nlmsghdr* nlh, std::size_t size) -> Status {
                         auto r = ParseStatsReply(nlh, size);
                         if (!r)
                             return r.error();
                         // A dump continues a device that did not fit in
                         // the next message.
                         if (!all.empty() && all.back().device == r->device) {
                             auto& c = all.back().stats.counters;
                             c.insert(c.end(), r->stats.counters.begin(),
                                      r->stats.counters.end());
                         } else {
                             all.push_back(std::move(*r));
                         }
                         return Ok{};
                     });
    if (!s)
        return s.error();
    return all;
}

Result<std::vector<ProcInfo>> NetlinkProcs(const std::optional<std::string>& device,
                                           const std::optional<uint32_t>& pid)
{
    std::vector<ProcInfo> all;
    auto s = Request(IPCKIT_CMD_GET_PROC, device, device ? pid : std::nullopt, !(device && pid),
                     [&](const nlmsghdr* nlh, std::size_t size) -> Status {
                         auto r = ParseProcReply(nlh, size);
                         if (!r)
                             return r.error();
                         all.push_back(std::move(*r));
                         return Ok{};
                     });
    if (!s)
        return s.error();
    return all;
}

Result<Monitor> Monitor::Open(bool reports, bool events, int rcvbuf)
{
    Monitor m;
    auto sock = OpenGenl();
    if (!sock)
        return sock.error();
    m.sock_ = std::move(*sock);
    std::string failures;
    auto join = [&](const char* family, const char* group, int& id) -> bool {
        auto f = ResolveFamily(m.sock_.get(), family);
        if (!f) {
            failures += (failures.empty() ? "" : "; ") + f.error().message;
            return false;
        }
        int grp = genl_ctrl_resolve_grp(m.sock_.get(), family, group);
        if (grp < 0) {
            failures += (failures.empty() ? "" : "; ") + std::string("family \"") + family +
                        "\" has no multicast group \"" + group + "\": " + nl_geterror(grp);
            return false;
        }
        if (int err = nl_socket_add_membership(m.sock_.get(), grp); err < 0) {
            failures += (failures.empty() ? "" : "; ") + std::string("cannot join \"") + family +
                        "\" group \"" + group + "\": " + nl_geterror(err);
            if (err == -NLE_PERM)
                failures += " (it names every user's processes: CAP_SYS_ADMIN, i.e. root, "
                            "may join it)";
            return false;
        }
        id = *f;
        return true;
    };
    if (reports)
        m.sub_.reports = join(BINDER_FAMILY_NAME, BINDER_MCGRP_REPORT, m.reportFamily_);
    if (events)
        m.sub_.events = join(IPCKIT_FAMILY_NAME, IPCKIT_MCGRP_EVENTS, m.eventFamily_);
    m.sub_.missing = failures;
    if (!m.sub_.reports && !m.sub_.events)
        return Error{ENOENT, failures};
    // An overrun is still reported (no NETLINK_NO_ENOBUFS).
    if (int err = nl_socket_set_buffer_size(m.sock_.get(), rcvbuf, 0); err < 0)
        return Error{EIO, std::string("cannot set the receive buffer: ") + nl_geterror(err)};
    m.buffer_.resize(64 * 1024);
    return m;
}

Status Monitor::Receive(const std::function<void(const Message&)>& each)
{
    sockaddr_nl from{};
    iovec iov{buffer_.data(), buffer_.size()};
    msghdr mh{};
    mh.msg_name = &from;
    mh.msg_namelen = sizeof(from);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(nl_socket_get_fd(sock_.get()), &mh, 0);
    if (n < 0) {
        if (errno == ENOBUFS) {
            each(Message{Message::Lost, nullptr, 0});
            return Ok{};
        }
        return Error{errno, std::string("netlink receive: ") + std::strerror(errno)};
    }
    // Only the kernel sends to these groups; a truncated datagram is not used.
    if (from.nl_pid != 0 || (mh.msg_flags & MSG_TRUNC))
        return Ok{};
    const auto total = static_cast<std::size_t>(n);
    std::size_t at = 0;
    while (total - at >= sizeof(nlmsghdr)) {
        auto* nlh = reinterpret_cast<nlmsghdr*>(buffer_.data() + at);
        if (nlh->nlmsg_len < sizeof(nlmsghdr) || nlh->nlmsg_len > total - at)
            break;
        Message m{Message::Other, nlh, total - at};
        if (reportFamily_ >= 0 && nlh->nlmsg_type == reportFamily_)
            m.kind = Message::ReportMsg;
        else if (eventFamily_ >= 0 && nlh->nlmsg_type == eventFamily_)
            m.kind = Message::EventMsg;
        each(m);
        at += NLMSG_ALIGN(nlh->nlmsg_len);
    }
    return Ok{};
}

}  // namespace ipckit::cli
