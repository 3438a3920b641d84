// SPDX-License-Identifier: Apache-2.0
//
// Parsing and formatting of binder's reports and ipckit's netlink messages
// (see netlink_events.h).
#include "netlink_events.h"

#include <linux/android/binder.h>
#include <linux/genetlink.h>
#include <linux/ioctl.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <span>

#include <nlohmann/json.hpp>

#include "../uapi/linux/android/binder_netlink.h"
#include "../uapi/linux/ipckit_netlink.h"
#include "table.h"

namespace ipckit::cli {
namespace {

// Linux 6.1's binder.h predates it (upstream 6.7 added it); the uapi
// names the value the report family sends.
constexpr uint32_t kBrTransactionPendingFrozen = IPCKIT_BR_TRANSACTION_PENDING_FROZEN;
static_assert(kBrTransactionPendingFrozen == _IO('r', 20));

constexpr int kAttrMgrLeft = IPCKIT_A_MGR_LEFT;

struct ReturnCode {
    uint32_t code;
    std::string_view name;
    bool reported;  // one binder's report family sends
};
const std::array<ReturnCode, 21> kReturns{{
    {BR_FAILED_REPLY, "BR_FAILED_REPLY", true},
    {BR_DEAD_REPLY, "BR_DEAD_REPLY", true},
    {BR_FROZEN_REPLY, "BR_FROZEN_REPLY", true},
    {kBrTransactionPendingFrozen, "BR_TRANSACTION_PENDING_FROZEN", true},
    {BR_ONEWAY_SPAM_SUSPECT, "BR_ONEWAY_SPAM_SUSPECT", true},
    {static_cast<uint32_t>(BR_ERROR), "BR_ERROR", false},
    {BR_OK, "BR_OK", false},
    {static_cast<uint32_t>(BR_TRANSACTION_SEC_CTX), "BR_TRANSACTION_SEC_CTX", false},
    {static_cast<uint32_t>(BR_TRANSACTION), "BR_TRANSACTION", false},
    {static_cast<uint32_t>(BR_REPLY), "BR_REPLY", false},
    {static_cast<uint32_t>(BR_ACQUIRE_RESULT), "BR_ACQUIRE_RESULT", false},
    {BR_TRANSACTION_COMPLETE, "BR_TRANSACTION_COMPLETE", false},
    {static_cast<uint32_t>(BR_INCREFS), "BR_INCREFS", false},
    {static_cast<uint32_t>(BR_ACQUIRE), "BR_ACQUIRE", false},
    {static_cast<uint32_t>(BR_RELEASE), "BR_RELEASE", false},
    {static_cast<uint32_t>(BR_DECREFS), "BR_DECREFS", false},
    {BR_NOOP, "BR_NOOP", false},
    {BR_SPAWN_LOOPER, "BR_SPAWN_LOOPER", false},
    {static_cast<uint32_t>(BR_DEAD_BINDER), "BR_DEAD_BINDER", false},
    {static_cast<uint32_t>(BR_CLEAR_DEATH_NOTIFICATION_DONE), "BR_CLEAR_DEATH_NOTIFICATION_DONE",
     false},
    {BR_FINISHED, "BR_FINISHED", false},
}};

struct EventKind {
    uint32_t kind;
    std::string_view name;
};
constexpr std::array<EventKind, 6> kEventKinds{{
    {IPCKIT_EVENT_PROC_OPEN, "proc_open"},
    {IPCKIT_EVENT_PROC_EXIT, "proc_exit"},
    {IPCKIT_EVENT_DEATH_SENT, "death_sent"},
    {IPCKIT_EVENT_FREEZE, "freeze"},
    {IPCKIT_EVENT_UNFREEZE, "unfreeze"},
    {IPCKIT_EVENT_CONTEXT_MGR, "context_mgr"},
}};

// What an attribute must look like. Unknown attribute types (a newer
// module's) are skipped, as the kernel's own parsers do.
enum class Kind { U32, U64, Str, Flag, Nest };
struct AttrSpec {
    int type;
    std::string_view name;
    Kind kind;
};

constexpr std::array<AttrSpec, 10> kReportAttrs{{
    {BINDER_A_REPORT_ERROR, "ERROR", Kind::U32},
    {BINDER_A_REPORT_CONTEXT, "CONTEXT", Kind::Str},
    {BINDER_A_REPORT_FROM_PID, "FROM_PID", Kind::U32},
    {BINDER_A_REPORT_FROM_TID, "FROM_TID", Kind::U32},
    {BINDER_A_REPORT_TO_PID, "TO_PID", Kind::U32},
    {BINDER_A_REPORT_TO_TID, "TO_TID", Kind::U32},
    {BINDER_A_REPORT_IS_REPLY, "IS_REPLY", Kind::Flag},
    {BINDER_A_REPORT_FLAGS, "FLAGS", Kind::U32},
    {BINDER_A_REPORT_CODE, "CODE", Kind::U32},
    {BINDER_A_REPORT_DATA_SIZE, "DATA_SIZE", Kind::U32},
}};

constexpr std::array<AttrSpec, 24> kIpckitAttrs{{
    {IPCKIT_A_DEVICE, "DEVICE", Kind::Str},
    {IPCKIT_A_EVENT, "EVENT", Kind::U32},
    {IPCKIT_A_PID, "PID", Kind::U32},
    {IPCKIT_A_TID, "TID", Kind::U32},
    {IPCKIT_A_UID, "UID", Kind::U32},
    {IPCKIT_A_TARGET_PID, "TARGET_PID", Kind::U32},
    {IPCKIT_A_NODE, "NODE", Kind::U64},
    {IPCKIT_A_HANDLE, "HANDLE", Kind::U32},
    {IPCKIT_A_COOKIE, "COOKIE", Kind::U64},
    {IPCKIT_A_STAT, "STAT", Kind::Nest},
    {IPCKIT_A_PROC_THREADS, "PROC_THREADS", Kind::U32},
    {IPCKIT_A_PROC_NODES, "PROC_NODES", Kind::U32},
    {IPCKIT_A_PROC_REFS, "PROC_REFS", Kind::U32},
    {IPCKIT_A_PROC_STRONG_REFS, "PROC_STRONG_REFS", Kind::U32},
    {IPCKIT_A_PROC_TODO, "PROC_TODO", Kind::U32},
    {IPCKIT_A_PROC_MAX_THREADS, "PROC_MAX_THREADS", Kind::U32},
    {IPCKIT_A_PROC_REQUESTED_THREADS, "PROC_REQUESTED_THREADS", Kind::U32},
    {IPCKIT_A_PROC_STARTED_THREADS, "PROC_STARTED_THREADS", Kind::U32},
    {IPCKIT_A_PROC_BUFFERS, "PROC_BUFFERS", Kind::U32},
    {IPCKIT_A_PROC_BUFFER_BYTES, "PROC_BUFFER_BYTES", Kind::U32},
    {IPCKIT_A_PROC_FROZEN, "PROC_FROZEN", Kind::U32},
    {IPCKIT_A_TIMEOUT_MS, "TIMEOUT_MS", Kind::U32},
    {IPCKIT_A_PAD, "PAD", Kind::Nest},  // padding: any length, never read
    {kAttrMgrLeft, "MGR_LEFT", Kind::Flag},
}};

constexpr std::array<AttrSpec, 3> kStatAttrs{{
    {IPCKIT_A_STAT_NAME, "STAT_NAME", Kind::Str},
    {IPCKIT_A_STAT_VALUE, "STAT_VALUE", Kind::U64},
    {IPCKIT_A_STAT_PAD, "STAT_PAD", Kind::Nest},
}};

// The GET_PROC counts as `proc` shows them, in its column order.
struct ProcCount {
    int type;
    std::string_view name;
};
constexpr std::array<ProcCount, 11> kProcCounts{{
    {IPCKIT_A_PROC_THREADS, "threads"},
    {IPCKIT_A_PROC_MAX_THREADS, "max_threads"},
    {IPCKIT_A_PROC_REQUESTED_THREADS, "requested_threads"},
    {IPCKIT_A_PROC_STARTED_THREADS, "started_threads"},
    {IPCKIT_A_PROC_NODES, "nodes"},
    {IPCKIT_A_PROC_REFS, "refs"},
    {IPCKIT_A_PROC_STRONG_REFS, "strong_refs"},
    {IPCKIT_A_PROC_TODO, "todo"},
    {IPCKIT_A_PROC_BUFFERS, "buffers"},
    {IPCKIT_A_PROC_BUFFER_BYTES, "buffer_bytes"},
    {IPCKIT_A_PROC_FROZEN, "frozen"},
}};

constexpr int kIpckitMaxAttr = std::max<int>(IPCKIT_A_MAX, kAttrMgrLeft);
constexpr int kMaxAttr = std::max<int>({BINDER_A_REPORT_MAX, kIpckitMaxAttr, IPCKIT_A_STAT_MAX});

Error Malformed(std::string_view what, const std::string& why)
{
    return Error{EPROTO, "malformed " + std::string(what) + ": " + why};
}

// The attributes of one message or nest, each checked against `specs`
// (exact sizes, NUL-terminated strings) and then collected with nla_parse
// and the same rules as its policy: tb[type] is the last one of each type.
Status ParseAttrs(std::string_view what, nlattr* head, int len, std::span<const AttrSpec> specs,
                  int maxType, std::array<nlattr*, kMaxAttr + 1>& tb)
{
    std::array<nla_policy, kMaxAttr + 1> policy{};
    for (const auto& s : specs) {
        nla_policy& p = policy[static_cast<std::size_t>(s.type)];
        switch (s.kind) {
        case Kind::U32: p = {NLA_U32, 4, 4}; break;
        case Kind::U64: p = {NLA_U64, 8, 8}; break;
        case Kind::Str: p = {NLA_STRING, 1, 0}; break;
        case Kind::Flag: p = {NLA_FLAG, 0, 0}; break;
        case Kind::Nest: p = {NLA_UNSPEC, 0, 0}; break;
        }
    }
    int rem = len;
    nlattr* nla = head;
    for (; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
        const int type = nla_type(nla);
        const int n = nla_len(nla);
        auto spec = std::find_if(specs.begin(), specs.end(),
                                 [&](const AttrSpec& s) { return s.type == type; });
        if (spec == specs.end())
            continue;
        const std::string name(spec->name);
        const std::string size = std::to_string(n) + " bytes";
        switch (spec->kind) {
        case Kind::U32:
            if (n != 4)
                return Malformed(what, name + " is " + size + ", not a u32 (4)");
            break;
        case Kind::U64:
            if (n != 8)
                return Malformed(what, name + " is " + size + ", not a u64 (8)");
            break;
        case Kind::Flag:
            if (n != 0)
                return Malformed(what, name + " is " + size + ", not a flag (0)");
            break;
        case Kind::Str:
            if (n < 1 || static_cast<const char*>(nla_data(nla))[n - 1] != '\0')
                return Malformed(what, name + " is not a NUL-terminated string");
            break;
        case Kind::Nest:
            break;
        }
    }
    if (rem > 0)
        return Malformed(what, std::to_string(rem) + " stray bytes after the attributes");
    tb.fill(nullptr);
    if (int err = nla_parse(tb.data(), maxType, head, len, policy.data()); err < 0)
        return Malformed(what, std::string("attributes: ") + nl_geterror(err));
    return Ok{};
}

// The generic netlink message's attributes, after checking its headers.
Status ParseMessage(std::string_view what, const nlmsghdr* msg, std::size_t size, uint8_t cmd,
                    std::span<const AttrSpec> specs, int maxType,
                    std::array<nlattr*, kMaxAttr + 1>& tb)
{
    constexpr std::size_t kHeaders = NLMSG_HDRLEN + GENL_HDRLEN;
    if (!msg || size < NLMSG_HDRLEN)
        return Malformed(what, std::to_string(size) + " bytes, shorter than a netlink header");
    if (msg->nlmsg_len < kHeaders || msg->nlmsg_len > size)
        return Malformed(what, "netlink length " + std::to_string(msg->nlmsg_len) + " of " +
                                   std::to_string(size) + " bytes received (at least " +
                                   std::to_string(kHeaders) + ")");
    auto* nlh = const_cast<nlmsghdr*>(msg);
    const auto* genl = static_cast<const genlmsghdr*>(nlmsg_data(nlh));
    if (genl->cmd != cmd)
        return Malformed(what, "command " + std::to_string(genl->cmd) + ", expected " +
                                   std::to_string(cmd));
    return ParseAttrs(what, genlmsg_attrdata(static_cast<const genlmsghdr*>(nlmsg_data(nlh)), 0),
                      genlmsg_attrlen(genl, 0), specs, maxType, tb);
}

// The attribute's value, or a refusal naming it.
template <typename T>
Result<T> Need(std::string_view what, nlattr* nla, std::string_view name)
{
    if (!nla)
        return Malformed(what, "no " + std::string(name) + " attribute");
    if constexpr (std::is_same_v<T, uint32_t>)
        return nla_get_u32(nla);
    else if constexpr (std::is_same_v<T, uint64_t>)
        return static_cast<uint64_t>(nla_get_u64(nla));
    else
        return std::string(nla_get_string(nla));
}

std::optional<uint32_t> U32(nlattr* nla)
{
    return nla ? std::optional<uint32_t>(nla_get_u32(nla)) : std::nullopt;
}

std::optional<uint64_t> U64(nlattr* nla)
{
    return nla ? std::optional<uint64_t>(nla_get_u64(nla)) : std::nullopt;
}

std::string Hex(uint64_t v)
{
    char buf[24];
    std::snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
    return buf;
}

// A name from the kernel as text shows it: control bytes (a terminal's
// escapes, newlines) as \xNN, so one message stays one line.
std::string Printable(std::string_view text)
{
    std::string out;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\x%02x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out;
}

std::string Opt(const std::optional<uint32_t>& v)
{
    return v ? std::to_string(*v) : "-";
}

std::string Lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

template <typename T>
bool Contains(const std::vector<T>& v, const T& x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::optional<uint32_t> ProcInfo::Get(std::string_view name) const
{
    for (const auto& [n, v] : counts)
        if (n == name)
            return v;
    return std::nullopt;
}

Result<Report> ParseReport(const nlmsghdr* msg, std::size_t size)
{
    constexpr std::string_view what = "binder report";
    std::array<nlattr*, kMaxAttr + 1> tb{};
    if (auto s = ParseMessage(what, msg, size, BINDER_CMD_REPORT, kReportAttrs,
                              BINDER_A_REPORT_MAX, tb);
        !s)
        return s.error();
    constexpr std::pair<int, std::string_view> kRequired[] = {
        {BINDER_A_REPORT_ERROR, "ERROR"},       {BINDER_A_REPORT_CONTEXT, "CONTEXT"},
        {BINDER_A_REPORT_FROM_PID, "FROM_PID"}, {BINDER_A_REPORT_FROM_TID, "FROM_TID"},
        {BINDER_A_REPORT_FLAGS, "FLAGS"},       {BINDER_A_REPORT_CODE, "CODE"},
        {BINDER_A_REPORT_DATA_SIZE, "DATA_SIZE"},
    };
    for (const auto& [type, name] : kRequired)
        if (!tb[static_cast<std::size_t>(type)])
            return Malformed(what, "no " + std::string(name) + " attribute");
    Report r;
    r.error = nla_get_u32(tb[BINDER_A_REPORT_ERROR]);
    r.context = nla_get_string(tb[BINDER_A_REPORT_CONTEXT]);
    r.fromPid = nla_get_u32(tb[BINDER_A_REPORT_FROM_PID]);
    r.fromTid = nla_get_u32(tb[BINDER_A_REPORT_FROM_TID]);
    r.toPid = U32(tb[BINDER_A_REPORT_TO_PID]);
    r.toTid = U32(tb[BINDER_A_REPORT_TO_TID]);
    r.isReply = tb[BINDER_A_REPORT_IS_REPLY] != nullptr;
    r.flags = nla_get_u32(tb[BINDER_A_REPORT_FLAGS]);
    r.code = nla_get_u32(tb[BINDER_A_REPORT_CODE]);
    r.dataSize = nla_get_u32(tb[BINDER_A_REPORT_DATA_SIZE]);
    return r;
}

Result<Event> ParseEvent(const nlmsghdr* msg, std::size_t size)
{
    constexpr std::string_view what = "ipckit event";
    std::array<nlattr*, kMaxAttr + 1> tb{};
    if (auto s = ParseMessage(what, msg, size, IPCKIT_CMD_EVENT, kIpckitAttrs, kIpckitMaxAttr, tb);
        !s)
        return s.error();
    auto kind = Need<uint32_t>(what, tb[IPCKIT_A_EVENT], "EVENT");
    if (!kind)
        return kind.error();
    auto device = Need<std::string>(what, tb[IPCKIT_A_DEVICE], "DEVICE");
    if (!device)
        return device.error();
    Event e;
    e.kind = *kind;
    e.device = std::move(*device);
    e.pid = U32(tb[IPCKIT_A_PID]);
    e.tid = U32(tb[IPCKIT_A_TID]);
    e.uid = U32(tb[IPCKIT_A_UID]);
    e.targetPid = U32(tb[IPCKIT_A_TARGET_PID]);
    e.node = U64(tb[IPCKIT_A_NODE]);
    e.handle = U32(tb[IPCKIT_A_HANDLE]);
    e.cookie = U64(tb[IPCKIT_A_COOKIE]);
    e.timeoutMs = U32(tb[IPCKIT_A_TIMEOUT_MS]);
    e.mgrLeft = tb[kAttrMgrLeft] != nullptr;
    return e;
}

Result<DeviceStats> ParseStatsReply(const nlmsghdr* msg, std::size_t size)
{
    constexpr std::string_view what = "ipckit GET_STATS reply";
    std::array<nlattr*, kMaxAttr + 1> tb{};
    if (auto s =
            ParseMessage(what, msg, size, IPCKIT_CMD_GET_STATS, kIpckitAttrs, kIpckitMaxAttr, tb);
        !s)
        return s.error();
    auto device = Need<std::string>(what, tb[IPCKIT_A_DEVICE], "DEVICE");
    if (!device)
        return device.error();
    DeviceStats out;
    out.device = std::move(*device);
    // IPCKIT_A_STAT repeats, so walk them all (tb holds only the last).
    auto* nlh = const_cast<nlmsghdr*>(msg);
    const auto* genl = static_cast<const genlmsghdr*>(nlmsg_data(nlh));
    nlattr* nla = nullptr;
    int rem = 0;
    int index = 0;
    nla_for_each_attr(nla, genlmsg_attrdata(genl, 0), genlmsg_attrlen(genl, 0), rem)
    {
        if (nla_type(nla) != IPCKIT_A_STAT)
            continue;
        index++;
        const std::string where = std::string(what) + " (STAT " + std::to_string(index) + ")";
        std::array<nlattr*, kMaxAttr + 1> st{};
        if (auto s = ParseAttrs(where, static_cast<nlattr*>(nla_data(nla)), nla_len(nla),
                                kStatAttrs, IPCKIT_A_STAT_MAX, st);
            !s)
            return s.error();
        auto name = Need<std::string>(where, st[IPCKIT_A_STAT_NAME], "STAT_NAME");
        if (!name)
            return name.error();
        auto value = Need<uint64_t>(where, st[IPCKIT_A_STAT_VALUE], "STAT_VALUE");
        if (!value)
            return value.error();
        if (name->empty())
            return Malformed(where, "an empty STAT_NAME");
        // Counters are counts: a u64 beyond int64 would be a driver bug.
        if (*value > static_cast<uint64_t>(INT64_MAX))
            return Malformed(where, *name + " is " + std::to_string(*value) +
                                        ", beyond any count");
        out.stats.counters.emplace_back(std::move(*name), static_cast<int64_t>(*value));
    }
    return out;
}

Result<ProcInfo> ParseProcReply(const nlmsghdr* msg, std::size_t size)
{
    constexpr std::string_view what = "ipckit GET_PROC reply";
    std::array<nlattr*, kMaxAttr + 1> tb{};
    if (auto s =
            ParseMessage(what, msg, size, IPCKIT_CMD_GET_PROC, kIpckitAttrs, kIpckitMaxAttr, tb);
        !s)
        return s.error();
    auto device = Need<std::string>(what, tb[IPCKIT_A_DEVICE], "DEVICE");
    if (!device)
        return device.error();
    auto pid = Need<uint32_t>(what, tb[IPCKIT_A_PID], "PID");
    if (!pid)
        return pid.error();
    ProcInfo p;
    p.device = std::move(*device);
    p.pid = *pid;
    p.uid = U32(tb[IPCKIT_A_UID]);
    for (const auto& c : kProcCounts)
        if (nlattr* nla = tb[static_cast<std::size_t>(c.type)])
            p.counts.emplace_back(std::string(c.name), nla_get_u32(nla));
    return p;
}

std::string ReturnName(uint32_t br)
{
    for (const auto& r : kReturns)
        if (r.code == br)
            return std::string(r.name);
    return Hex(br);
}

std::string EventKindName(uint32_t kind)
{
    for (const auto& k : kEventKinds)
        if (k.kind == kind)
            return std::string(k.name);
    return "kind_" + std::to_string(kind);
}

bool MonitorFilter::WantsReports() const
{
    return (reportKinds.empty() && eventKinds.empty()) || !reportKinds.empty();
}

bool MonitorFilter::WantsEvents() const
{
    return (reportKinds.empty() && eventKinds.empty()) || !eventKinds.empty();
}

bool MonitorFilter::Matches(const Report& r) const
{
    if (!WantsReports())
        return false;
    if (!reportKinds.empty() && !Contains(reportKinds, r.error))
        return false;
    if (device && r.context != *device)
        return false;
    if (pid && r.fromPid != *pid && r.toPid != *pid)
        return false;
    return true;
}

bool MonitorFilter::Matches(const Event& e) const
{
    if (!WantsEvents())
        return false;
    if (!eventKinds.empty() && !Contains(eventKinds, e.kind))
        return false;
    if (device && e.device != *device)
        return false;
    if (pid && e.pid != *pid && e.targetPid != *pid)
        return false;
    return true;
}

std::string KindList()
{
    std::string list;
    for (const auto& r : kReturns)
        if (r.reported)
            list += (list.empty() ? "" : ", ") + std::string(r.name);
    for (const auto& k : kEventKinds)
        list += ", " + std::string(k.name);
    return list;
}

Status ParseKinds(std::string_view list, MonitorFilter& filter)
{
    while (true) {
        const auto comma = list.find(',');
        const std::string word = Lower(list.substr(0, comma));
        const std::string br = word.rfind("br_", 0) == 0 ? word : "br_" + word;
        bool found = false;
        for (const auto& r : kReturns)
            if (r.reported && Lower(r.name) == br) {
                if (!Contains(filter.reportKinds, r.code))
                    filter.reportKinds.push_back(r.code);
                found = true;
            }
        for (const auto& k : kEventKinds)
            if (k.name == word) {
                if (!Contains(filter.eventKinds, k.kind))
                    filter.eventKinds.push_back(k.kind);
                found = true;
            }
        if (!found)
            return Error{EINVAL, "unknown --kind '" + std::string(list.substr(0, comma)) +
                                     "' (kinds: " + KindList() + ")"};
        if (comma == std::string_view::npos)
            return Ok{};
        list.remove_prefix(comma + 1);
    }
}

std::string DeviceName(std::string_view device)
{
    const auto slash = device.rfind('/');
    return std::string(slash == std::string_view::npos ? device : device.substr(slash + 1));
}

std::string FormatReport(std::string_view time, const Report& r)
{
    return std::string(time) + " binder report ctx=" + Printable(r.context) + " error=" +
           ReturnName(r.error) + " from=" + std::to_string(r.fromPid) + "/" +
           std::to_string(r.fromTid) + " to=" + Opt(r.toPid) + "/" + Opt(r.toTid) +
           " code=" + std::to_string(r.code) + " flags=" + Hex(r.flags) +
           " size=" + std::to_string(r.dataSize) + " reply=" + (r.isReply ? "yes" : "no");
}

std::string FormatEvent(std::string_view time, const Event& e)
{
    std::string out = std::string(time) + " ipckit event dev=" + Printable(e.device) +
                      " kind=" + EventKindName(e.kind);
    auto add = [&](const char* name, const auto& v, bool hex = false) {
        if (v)
            out += std::string(" ") + name + "=" + (hex ? Hex(*v) : std::to_string(*v));
    };
    add("pid", e.pid);
    add("tid", e.tid);
    add("uid", e.uid);
    add("target", e.targetPid);
    add("node", e.node, true);
    add("handle", e.handle);
    add("cookie", e.cookie, true);
    add("timeout_ms", e.timeoutMs);
    if (e.kind == IPCKIT_EVENT_CONTEXT_MGR)
        out += e.mgrLeft ? " mgr=left" : " mgr=set";
    return out;
}

std::string ReportJson(std::string_view time, const Report& r)
{
    nlohmann::ordered_json j;
    j["time"] = time;
    j["family"] = "binder";
    j["type"] = "report";
    j["context"] = r.context;
    j["error"] = ReturnName(r.error);
    j["error_code"] = r.error;
    j["from_pid"] = r.fromPid;
    j["from_tid"] = r.fromTid;
    j["to_pid"] = r.toPid ? nlohmann::ordered_json(*r.toPid) : nullptr;
    j["to_tid"] = r.toTid ? nlohmann::ordered_json(*r.toTid) : nullptr;
    j["is_reply"] = r.isReply;
    j["flags"] = r.flags;
    j["code"] = r.code;
    j["data_size"] = r.dataSize;
    // Context names come from the kernel; replace rather than throw on bad UTF-8.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string EventJson(std::string_view time, const Event& e)
{
    nlohmann::ordered_json j;
    j["time"] = time;
    j["family"] = "ipckit";
    j["type"] = "event";
    j["device"] = e.device;
    j["kind"] = EventKindName(e.kind);
    auto add = [&](const char* name, const auto& v) {
        if (v)
            j[name] = *v;
    };
    add("pid", e.pid);
    add("tid", e.tid);
    add("uid", e.uid);
    add("target_pid", e.targetPid);
    add("node", e.node);
    add("handle", e.handle);
    add("cookie", e.cookie);
    add("timeout_ms", e.timeoutMs);
    if (e.kind == IPCKIT_EVENT_CONTEXT_MGR)
        j["mgr_left"] = e.mgrLeft;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string FormatLost(std::string_view time)
{
    return std::string(time) +
           " lost events: the socket overran (ENOBUFS), the kernel dropped messages";
}

std::string LostJson(std::string_view time)
{
    nlohmann::ordered_json j;
    j["time"] = time;
    j["type"] = "lost";
    j["reason"] = "ENOBUFS";
    return j.dump();
}

std::string FormatProcs(const std::vector<ProcInfo>& procs)
{
    std::vector<Column> columns{{"DEVICE"}, {"PID", true}, {"UID", true}};
    const std::array<std::string_view, 11> heads{
        "THREADS", "MAX", "REQUESTED", "STARTED", "NODES", "REFS",
        "STRONG",  "TODO", "BUFFERS",  "BYTES",   "FROZEN",
    };
    for (auto h : heads)
        columns.push_back({std::string(h), true});
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : procs) {
        std::vector<std::string> row{Printable(p.device), std::to_string(p.pid),
                                     p.uid ? std::to_string(*p.uid) : "-"};
        for (const auto& c : kProcCounts) {
            auto v = p.Get(c.name);
            row.push_back(!v ? "-" : c.type == IPCKIT_A_PROC_FROZEN ? (*v ? "yes" : "no")
                                                                   : std::to_string(*v));
        }
        rows.push_back(std::move(row));
    }
    return FormatTable(columns, rows);
}

std::string ProcJson(const ProcInfo& p)
{
    nlohmann::ordered_json j;
    j["device"] = p.device;
    j["pid"] = p.pid;
    if (p.uid)
        j["uid"] = *p.uid;
    for (const auto& [name, value] : p.counts)
        j[name] = value;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace ipckit::cli
