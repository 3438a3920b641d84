// SPDX-License-Identifier: Apache-2.0
//
// The generic netlink messages `ipckit monitor`, `stats`, `watch` and `proc`
// read, as plain structs: upstream binder's transaction reports (family
// "binder", uapi/linux/android/binder_netlink.h) and ipckit's events,
// counters and process state (family "ipckit", uapi/linux/ipckit_netlink.h).
// Parsing checks every attribute against a policy (type and exact length,
// strings NUL-terminated) and refuses a message that lacks what it must
// carry; formatting is separate. No socket here: netlink.h has that. Tested
// on the host with messages built by libnl (cli/tests/netlink_test.cc) and
// fuzzed (fuzz/host/netlink_message_fuzzer.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ipckit/result.h>

#include "stats.h"

struct nlmsghdr;

namespace ipckit::cli {

// BINDER_CMD_REPORT: a transaction that failed (or was suspect).
struct Report {
    uint32_t error = 0;  // the BR_ code the sender got
    std::string context;
    uint32_t fromPid = 0;
    uint32_t fromTid = 0;
    std::optional<uint32_t> toPid;  // absent when the target is unknown
    std::optional<uint32_t> toTid;
    bool isReply = false;
    uint32_t flags = 0;
    uint32_t code = 0;
    uint32_t dataSize = 0;
};

// IPCKIT_CMD_EVENT. Which optional fields an event has depends on its kind
// (ipckit_netlink.h); a field the driver left out stays empty.
struct Event {
    uint32_t kind = 0;  // enum ipckit_event_kind; unknown ones are kept
    std::string device;
    std::optional<uint32_t> pid;
    std::optional<uint32_t> tid;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> targetPid;
    std::optional<uint64_t> node;
    std::optional<uint32_t> handle;
    std::optional<uint64_t> cookie;
    std::optional<uint32_t> timeoutMs;
    bool mgrLeft = false;  // CONTEXT_MGR: the manager left (else it was set)
};

// One IPCKIT_CMD_GET_STATS reply: one device's counters.
struct DeviceStats {
    std::string device;
    Stats stats;
};

// One IPCKIT_CMD_GET_PROC reply: one process on one device.
struct ProcInfo {
    std::string device;
    uint32_t pid = 0;
    std::optional<uint32_t> uid;  // its euid
    // IPCKIT_A_PROC_* by name ("threads", "nodes", ...), in attribute
    // order; the ones the reply did not carry are left out.
    std::vector<std::pair<std::string, uint32_t>> counts;

    std::optional<uint32_t> Get(std::string_view name) const;
};

// Each parser takes a whole message as received: `size` bytes at `msg`
// (at least nlmsg_len of them must be there). They check the generic
// netlink header's command, every attribute against the family's policy,
// and that the attributes the message must carry are there; a message that
// fails is refused with EPROTO and a message naming what was wrong.
Result<Report> ParseReport(const nlmsghdr* msg, std::size_t size);
Result<Event> ParseEvent(const nlmsghdr* msg, std::size_t size);
Result<DeviceStats> ParseStatsReply(const nlmsghdr* msg, std::size_t size);
Result<ProcInfo> ParseProcReply(const nlmsghdr* msg, std::size_t size);

// "BR_DEAD_REPLY" for the report codes and the other BR_ codes binder
// returns; "0x..." for one it does not know.
std::string ReturnName(uint32_t br);
// "death_sent" for IPCKIT_EVENT_DEATH_SENT; "kind_N" for one it does not know.
std::string EventKindName(uint32_t kind);

// What `monitor` shows: all of it, or only what matches every filter given.
struct MonitorFilter {
    std::optional<std::string> device;  // a report's context, an event's device
    std::optional<uint32_t> pid;        // from, to, pid or target
    std::vector<uint32_t> reportKinds;  // BR_ codes; with eventKinds empty too: every kind
    std::vector<uint32_t> eventKinds;   // IPCKIT_EVENT_*

    bool Matches(const Report& report) const;
    bool Matches(const Event& event) const;
    // Whether --kind asked for any report kind / any event kind (true
    // without --kind): which families monitor needs.
    bool WantsReports() const;
    bool WantsEvents() const;
};

// --kind's list: BR_ names of report errors (BR_DEAD_REPLY, dead_reply;
// any case) and event kinds (death_sent, FREEZE), comma-separated, into
// `filter`. The error names the word it does not know and lists the kinds.
Status ParseKinds(std::string_view list, MonitorFilter& filter);
// Every kind --kind takes, for messages and help.
std::string KindList();

// "binder" for "/dev/binder", "binder" for "binder": the context name a
// device path has.
std::string DeviceName(std::string_view device);

// One line each, without the newline. `time` is the receipt time as shown
// ("12:00:01.123").
//   12:00:01.123 binder report ctx=binder error=BR_DEAD_REPLY from=123/124 to=456/- code=1 flags=0x1 size=16 reply=no
//   12:00:01.123 ipckit event dev=binder kind=death_sent pid=5 target=7 node=0x... handle=1 cookie=0x...
std::string FormatReport(std::string_view time, const Report& report);
std::string FormatEvent(std::string_view time, const Event& event);
// The same as one JSON object (no newline).
std::string ReportJson(std::string_view time, const Report& report);
std::string EventJson(std::string_view time, const Event& event);
// A socket overrun: the kernel dropped messages this socket had no room for.
std::string FormatLost(std::string_view time);
std::string LostJson(std::string_view time);

// `ipckit proc`'s table (DEVICE, PID, then the counts), and its JSON: one
// object per process, one a line.
std::string FormatProcs(const std::vector<ProcInfo>& procs);
std::string ProcJson(const ProcInfo& proc);

}  // namespace ipckit::cli
