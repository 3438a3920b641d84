// SPDX-License-Identifier: Apache-2.0
//
// Host tests of `ipckit`'s netlink messages (cli/netlink_events.h): binder
// reports, ipckit events, GET_STATS and GET_PROC replies built with libnl
// as the kernel would send them, parsed and formatted; malformed ones
// (missing attributes, wrong sizes, truncation, stray bytes) refused with
// a message, never read past their end; and monitor's filters.
#include <linux/android/binder.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../../uapi/linux/android/binder_netlink.h"
#include "../../uapi/linux/ipckit_netlink.h"
#include "../netlink_events.h"

namespace {

using namespace ipckit::cli;

constexpr int kFamily = 0x1a;  // any dynamic genl family id

struct MsgDeleter {
    void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using Msg = std::unique_ptr<nl_msg, MsgDeleter>;

Msg Build(uint8_t cmd, const std::function<void(nl_msg*)>& attrs)
{
    Msg m(nlmsg_alloc());
    EXPECT_NE(nullptr, genlmsg_put(m.get(), NL_AUTO_PORT, NL_AUTO_SEQ, kFamily, 0, 0, cmd, 1));
    attrs(m.get());
    return m;
}

// The message's bytes, as a socket would deliver them.
std::vector<uint8_t> Bytes(const Msg& m)
{
    const nlmsghdr* h = nlmsg_hdr(m.get());
    const auto* p = reinterpret_cast<const uint8_t*>(h);
    return {p, p + h->nlmsg_len};
}

const nlmsghdr* Hdr(const std::vector<uint8_t>& b)
{
    return reinterpret_cast<const nlmsghdr*>(b.data());
}

template <typename T>
std::string Why(const ipckit::Result<T>& r)
{
    return r ? "(accepted)" : r.error().message;
}

void FullReport(nl_msg* m)
{
    nla_put_u32(m, BINDER_A_REPORT_ERROR, BR_DEAD_REPLY);
    nla_put_string(m, BINDER_A_REPORT_CONTEXT, "binder");
    nla_put_u32(m, BINDER_A_REPORT_FROM_PID, 123);
    nla_put_u32(m, BINDER_A_REPORT_FROM_TID, 124);
    nla_put_u32(m, BINDER_A_REPORT_TO_PID, 456);
    nla_put_u32(m, BINDER_A_REPORT_TO_TID, 457);
    nla_put_flag(m, BINDER_A_REPORT_IS_REPLY);
    nla_put_u32(m, BINDER_A_REPORT_FLAGS, 0x1);
    nla_put_u32(m, BINDER_A_REPORT_CODE, 7);
    nla_put_u32(m, BINDER_A_REPORT_DATA_SIZE, 16);
}

// A report with every attribute but `skip`, and `extra` added at the end.
Msg ReportWithout(int skip, const std::function<void(nl_msg*)>& extra = nullptr)
{
    return Build(BINDER_CMD_REPORT, [&](nl_msg* m) {
        if (skip != BINDER_A_REPORT_ERROR)
            nla_put_u32(m, BINDER_A_REPORT_ERROR, BR_FAILED_REPLY);
        if (skip != BINDER_A_REPORT_CONTEXT)
            nla_put_string(m, BINDER_A_REPORT_CONTEXT, "binder");
        if (skip != BINDER_A_REPORT_FROM_PID)
            nla_put_u32(m, BINDER_A_REPORT_FROM_PID, 1);
        if (skip != BINDER_A_REPORT_FROM_TID)
            nla_put_u32(m, BINDER_A_REPORT_FROM_TID, 2);
        if (skip != BINDER_A_REPORT_FLAGS)
            nla_put_u32(m, BINDER_A_REPORT_FLAGS, 0);
        if (skip != BINDER_A_REPORT_CODE)
            nla_put_u32(m, BINDER_A_REPORT_CODE, 1);
        if (skip != BINDER_A_REPORT_DATA_SIZE)
            nla_put_u32(m, BINDER_A_REPORT_DATA_SIZE, 0);
        if (extra)
            extra(m);
    });
}

void DeathEvent(nl_msg* m)
{
    nla_put_string(m, IPCKIT_A_DEVICE, "ipckit");
    nla_put_u32(m, IPCKIT_A_EVENT, IPCKIT_EVENT_DEATH_SENT);
    nla_put_u32(m, IPCKIT_A_PID, 130);
    nla_put_u32(m, IPCKIT_A_TARGET_PID, 456);
    nla_put_u64(m, IPCKIT_A_NODE, 0x7f00dead0000ULL);
    nla_put_u32(m, IPCKIT_A_HANDLE, 3);
    nla_put_u64(m, IPCKIT_A_COOKIE, 0xc00c1eULL);
}

TEST(Report, ParsesEveryField)
{
    auto b = Bytes(Build(BINDER_CMD_REPORT, FullReport));
    auto r = ParseReport(Hdr(b), b.size());
    ASSERT_TRUE(r) << Why(r);
    EXPECT_EQ(static_cast<uint32_t>(BR_DEAD_REPLY), r->error);
    EXPECT_EQ("binder", r->context);
    EXPECT_EQ(123u, r->fromPid);
    EXPECT_EQ(124u, r->fromTid);
    EXPECT_EQ(456u, r->toPid);
    EXPECT_EQ(457u, r->toTid);
    EXPECT_TRUE(r->isReply);
    EXPECT_EQ(1u, r->flags);
    EXPECT_EQ(7u, r->code);
    EXPECT_EQ(16u, r->dataSize);
    EXPECT_EQ("12:00:01.123 binder report ctx=binder error=BR_DEAD_REPLY from=123/124 "
              "to=456/457 code=7 flags=0x1 size=16 reply=yes",
              FormatReport("12:00:01.123", *r));
    EXPECT_EQ(R"({"time":"12:00:01.123","family":"binder","type":"report","context":"binder",)"
              R"("error":"BR_DEAD_REPLY","error_code":29189,"from_pid":123,"from_tid":124,)"
              R"("to_pid":456,"to_tid":457,"is_reply":true,"flags":1,"code":7,"data_size":16})",
              ReportJson("12:00:01.123", *r));
}

TEST(Report, AnUnknownTargetShowsAsDash)
{
    auto b = Bytes(ReportWithout(0));
    auto r = ParseReport(Hdr(b), b.size());
    ASSERT_TRUE(r) << Why(r);
    EXPECT_FALSE(r->toPid);
    EXPECT_FALSE(r->isReply);
    EXPECT_EQ("t binder report ctx=binder error=BR_FAILED_REPLY from=1/2 to=-/- code=1 "
              "flags=0x0 size=0 reply=no",
              FormatReport("t", *r));
    EXPECT_NE(std::string::npos, ReportJson("t", *r).find(R"("to_pid":null,"to_tid":null)"));
}

TEST(Report, MissingAttributesAreNamed)
{
    const std::pair<int, const char*> required[] = {
        {BINDER_A_REPORT_ERROR, "ERROR"},         {BINDER_A_REPORT_CONTEXT, "CONTEXT"},
        {BINDER_A_REPORT_FROM_PID, "FROM_PID"},   {BINDER_A_REPORT_FROM_TID, "FROM_TID"},
        {BINDER_A_REPORT_FLAGS, "FLAGS"},         {BINDER_A_REPORT_CODE, "CODE"},
        {BINDER_A_REPORT_DATA_SIZE, "DATA_SIZE"},
    };
    for (const auto& [type, name] : required) {
        auto b = Bytes(ReportWithout(type));
        EXPECT_EQ(std::string("malformed binder report: no ") + name + " attribute",
                  Why(ParseReport(Hdr(b), b.size())));
    }
}

TEST(Report, WrongSizesAreRefused)
{
    // A u64 where a u32 belongs (last one wins in nla_parse, but the check
    // looks at every attribute).
    auto b = Bytes(ReportWithout(BINDER_A_REPORT_ERROR, [](nl_msg* m) {
        nla_put_u64(m, BINDER_A_REPORT_ERROR, BR_DEAD_REPLY);
    }));
    EXPECT_EQ("malformed binder report: ERROR is 8 bytes, not a u32 (4)",
              Why(ParseReport(Hdr(b), b.size())));
    b = Bytes(ReportWithout(BINDER_A_REPORT_CODE,
                            [](nl_msg* m) { nla_put_u16(m, BINDER_A_REPORT_CODE, 1); }));
    EXPECT_EQ("malformed binder report: CODE is 2 bytes, not a u32 (4)",
              Why(ParseReport(Hdr(b), b.size())));
    b = Bytes(ReportWithout(0, [](nl_msg* m) { nla_put_u32(m, BINDER_A_REPORT_IS_REPLY, 1); }));
    EXPECT_EQ("malformed binder report: IS_REPLY is 4 bytes, not a flag (0)",
              Why(ParseReport(Hdr(b), b.size())));
    b = Bytes(ReportWithout(BINDER_A_REPORT_CONTEXT,
                            [](nl_msg* m) { nla_put(m, BINDER_A_REPORT_CONTEXT, 3, "abc"); }));
    EXPECT_EQ("malformed binder report: CONTEXT is not a NUL-terminated string",
              Why(ParseReport(Hdr(b), b.size())));
    b = Bytes(ReportWithout(BINDER_A_REPORT_CONTEXT,
                            [](nl_msg* m) { nla_put(m, BINDER_A_REPORT_CONTEXT, 0, ""); }));
    EXPECT_EQ("malformed binder report: CONTEXT is not a NUL-terminated string",
              Why(ParseReport(Hdr(b), b.size())));
}

TEST(Report, UnknownAttributesOfANewerKernelAreSkipped)
{
    auto b = Bytes(ReportWithout(0, [](nl_msg* m) {
        nla_put_u64(m, BINDER_A_REPORT_MAX + 1, 5);
        nla_put_string(m, 200, "later");
    }));
    EXPECT_TRUE(ParseReport(Hdr(b), b.size())) << Why(ParseReport(Hdr(b), b.size()));
}

TEST(Report, HeadersAndLengthsAreChecked)
{
    auto b = Bytes(Build(BINDER_CMD_REPORT, FullReport));
    EXPECT_EQ("malformed binder report: 0 bytes, shorter than a netlink header",
              Why(ParseReport(nullptr, 0)));
    EXPECT_EQ("malformed binder report: 8 bytes, shorter than a netlink header",
              Why(ParseReport(Hdr(b), 8)));
    // Fewer bytes than nlmsg_len says.
    EXPECT_NE(std::string::npos,
              Why(ParseReport(Hdr(b), b.size() - 4)).find("netlink length"));
    // nlmsg_len shorter than the two headers.
    auto shortLen = b;
    reinterpret_cast<nlmsghdr*>(shortLen.data())->nlmsg_len = NLMSG_HDRLEN + 2;
    EXPECT_NE(std::string::npos,
              Why(ParseReport(Hdr(shortLen), shortLen.size())).find("netlink length"));
    // The wrong command.
    auto wrong = Bytes(Build(BINDER_CMD_REPORT + 1, FullReport));
    EXPECT_EQ("malformed binder report: command 2, expected 1",
              Why(ParseReport(Hdr(wrong), wrong.size())));
    // An ipckit event is not a report.
    auto event = Bytes(Build(IPCKIT_CMD_EVENT, DeathEvent));
    EXPECT_FALSE(ParseEvent(Hdr(b), b.size()));
    // An attribute claiming more bytes than the message has.
    auto overlong = b;
    auto* nla = reinterpret_cast<nlattr*>(overlong.data() + NLMSG_HDRLEN + GENL_HDRLEN);
    nla->nla_len = 0x4000;
    EXPECT_NE(std::string::npos,
              Why(ParseReport(Hdr(overlong), overlong.size())).find("stray bytes"));
    // Stray bytes after the last attribute.
    auto stray = b;
    stray.insert(stray.end(), {1, 2, 3});
    reinterpret_cast<nlmsghdr*>(stray.data())->nlmsg_len += 3;
    EXPECT_EQ("malformed binder report: 3 stray bytes after the attributes",
              Why(ParseReport(Hdr(stray), stray.size())));
}

// Every truncation and every single-byte change of valid messages: each
// parse either succeeds or says why, and never reads outside the bytes
// (ASan builds catch that).
TEST(Robustness, TruncatedAndCorruptedMessagesNeverCrash)
{
    std::vector<std::vector<uint8_t>> valid{
        Bytes(Build(BINDER_CMD_REPORT, FullReport)),
        Bytes(Build(IPCKIT_CMD_EVENT, DeathEvent)),
        Bytes(Build(IPCKIT_CMD_GET_STATS,
                    [](nl_msg* m) {
                        nla_put_string(m, IPCKIT_A_DEVICE, "binder");
                        nlattr* s = nla_nest_start(m, IPCKIT_A_STAT);
                        nla_put_string(m, IPCKIT_A_STAT_NAME, "procs");
                        nla_put_u64(m, IPCKIT_A_STAT_VALUE, 2);
                        nla_nest_end(m, s);
                    })),
    };
    auto parseAll = [](const std::vector<uint8_t>& b, std::size_t size) {
        (void)ParseReport(Hdr(b), size);
        (void)ParseEvent(Hdr(b), size);
        (void)ParseStatsReply(Hdr(b), size);
        (void)ParseProcReply(Hdr(b), size);
    };
    for (const auto& b : valid) {
        for (std::size_t n = 0; n <= b.size(); n++) {
            std::vector<uint8_t> cut(b.begin(), b.begin() + static_cast<long>(n));
            parseAll(cut, cut.size());
            if (n >= NLMSG_HDRLEN) {  // and with nlmsg_len saying the cut length
                reinterpret_cast<nlmsghdr*>(cut.data())->nlmsg_len = static_cast<uint32_t>(n);
                parseAll(cut, cut.size());
            }
        }
        for (std::size_t i = NLMSG_HDRLEN; i < b.size(); i++)
            for (uint8_t v : {0x00, 0x01, 0x04, 0x7f, 0x80, 0xff}) {
                auto bad = b;
                bad[i] = v;
                parseAll(bad, bad.size());
            }
    }
}

TEST(Event, ParsesAndShowsOnlyTheFieldsItHas)
{
    auto b = Bytes(Build(IPCKIT_CMD_EVENT, DeathEvent));
    auto e = ParseEvent(Hdr(b), b.size());
    ASSERT_TRUE(e) << Why(e);
    EXPECT_EQ(static_cast<uint32_t>(IPCKIT_EVENT_DEATH_SENT), e->kind);
    EXPECT_EQ("ipckit", e->device);
    EXPECT_EQ(130u, e->pid);
    EXPECT_FALSE(e->tid);
    EXPECT_EQ("t ipckit event dev=ipckit kind=death_sent pid=130 target=456 "
              "node=0x7f00dead0000 handle=3 cookie=0xc00c1e",
              FormatEvent("t", *e));
    EXPECT_EQ(R"({"time":"t","family":"ipckit","type":"event","device":"ipckit",)"
              R"("kind":"death_sent","pid":130,"target_pid":456,"node":139641712607232,)"
              R"("handle":3,"cookie":12586014})",
              EventJson("t", *e));

    b = Bytes(Build(IPCKIT_CMD_EVENT, [](nl_msg* m) {
        nla_put_string(m, IPCKIT_A_DEVICE, "binder");
        nla_put_u32(m, IPCKIT_A_EVENT, IPCKIT_EVENT_FREEZE);
        nla_put_u32(m, IPCKIT_A_PID, 9);
        nla_put_u32(m, IPCKIT_A_TID, 10);
        nla_put_u32(m, IPCKIT_A_UID, 0);
        nla_put_u32(m, IPCKIT_A_TIMEOUT_MS, 100);
    }));
    e = ParseEvent(Hdr(b), b.size());
    ASSERT_TRUE(e) << Why(e);
    EXPECT_EQ("t ipckit event dev=binder kind=freeze pid=9 tid=10 uid=0 timeout_ms=100",
              FormatEvent("t", *e));
}

TEST(Event, UnknownKindsAreKeptAndMissingOnesRefused)
{
    auto b = Bytes(Build(IPCKIT_CMD_EVENT, [](nl_msg* m) {
        nla_put_string(m, IPCKIT_A_DEVICE, "binder");
        nla_put_u32(m, IPCKIT_A_EVENT, 99);
    }));
    auto e = ParseEvent(Hdr(b), b.size());
    ASSERT_TRUE(e) << Why(e);
    EXPECT_EQ("t ipckit event dev=binder kind=kind_99", FormatEvent("t", *e));

    b = Bytes(Build(IPCKIT_CMD_EVENT,
                    [](nl_msg* m) { nla_put_u32(m, IPCKIT_A_EVENT, IPCKIT_EVENT_PROC_OPEN); }));
    EXPECT_EQ("malformed ipckit event: no DEVICE attribute", Why(ParseEvent(Hdr(b), b.size())));
    b = Bytes(Build(IPCKIT_CMD_EVENT,
                    [](nl_msg* m) { nla_put_string(m, IPCKIT_A_DEVICE, "binder"); }));
    EXPECT_EQ("malformed ipckit event: no EVENT attribute", Why(ParseEvent(Hdr(b), b.size())));
    b = Bytes(Build(IPCKIT_CMD_EVENT, [](nl_msg* m) {
        DeathEvent(m);
        nla_put_u32(m, IPCKIT_A_NODE, 1);
    }));
    EXPECT_EQ("malformed ipckit event: NODE is 4 bytes, not a u64 (8)",
              Why(ParseEvent(Hdr(b), b.size())));
}

TEST(Event, ContextManagerSaysSetOrLeft)
{
    auto mgr = [](bool left) {
        return Bytes(Build(IPCKIT_CMD_EVENT, [&](nl_msg* m) {
            nla_put_string(m, IPCKIT_A_DEVICE, "binder");
            nla_put_u32(m, IPCKIT_A_EVENT, IPCKIT_EVENT_CONTEXT_MGR);
            nla_put_u32(m, IPCKIT_A_PID, 1);
            nla_put_u32(m, IPCKIT_A_UID, 0);
            nla_put_u64(m, IPCKIT_A_NODE, 0);
            if (left)
                nla_put_flag(m, IPCKIT_A_MGR_LEFT);
        }));
    };
    auto b = mgr(false);
    auto e = ParseEvent(Hdr(b), b.size());
    ASSERT_TRUE(e) << Why(e);
    EXPECT_EQ("t ipckit event dev=binder kind=context_mgr pid=1 uid=0 node=0x0 mgr=set",
              FormatEvent("t", *e));
    b = mgr(true);
    e = ParseEvent(Hdr(b), b.size());
    ASSERT_TRUE(e) << Why(e);
    EXPECT_EQ("t ipckit event dev=binder kind=context_mgr pid=1 uid=0 node=0x0 mgr=left",
              FormatEvent("t", *e));
    EXPECT_NE(std::string::npos, EventJson("t", *e).find(R"("mgr_left":true)"));
}

TEST(StatsReply, NestsBecomeCounters)
{
    auto b = Bytes(Build(IPCKIT_CMD_GET_STATS, [](nl_msg* m) {
        nla_put_string(m, IPCKIT_A_DEVICE, "binder");
        for (auto [name, value] : {std::pair<const char*, uint64_t>{"procs", 2},
                                   {"BC_TRANSACTION", 40},
                                   {"transaction_created", 41}}) {
            nlattr* s = nla_nest_start(m, IPCKIT_A_STAT);
            nla_put_string(m, IPCKIT_A_STAT_NAME, name);
            nla_put_u64(m, IPCKIT_A_STAT_VALUE, value);
            nla_nest_end(m, s);
        }
    }));
    auto r = ParseStatsReply(Hdr(b), b.size());
    ASSERT_TRUE(r) << Why(r);
    EXPECT_EQ("binder", r->device);
    ASSERT_EQ(3u, r->stats.counters.size());
    EXPECT_EQ("procs", r->stats.counters[0].first);
    EXPECT_EQ(40, r->stats.Get("BC_TRANSACTION"));
    EXPECT_EQ(41, r->stats.Get("transaction_created"));
    // The same report as from debugfs.
    auto text = ParseStats("procs 2\nBC_TRANSACTION 40\ntransaction_created 41\n");
    ASSERT_TRUE(text);
    EXPECT_EQ(FormatStats(*text), FormatStats(r->stats));
}

TEST(StatsReply, BadNestsAreRefusedNamingWhichOne)
{
    auto withStats = [](const std::function<void(nl_msg*)>& second) {
        return Bytes(Build(IPCKIT_CMD_GET_STATS, [&](nl_msg* m) {
            nla_put_string(m, IPCKIT_A_DEVICE, "binder");
            nlattr* s = nla_nest_start(m, IPCKIT_A_STAT);
            nla_put_string(m, IPCKIT_A_STAT_NAME, "procs");
            nla_put_u64(m, IPCKIT_A_STAT_VALUE, 1);
            nla_nest_end(m, s);
            s = nla_nest_start(m, IPCKIT_A_STAT);
            second(m);
            nla_nest_end(m, s);
        }));
    };
    auto b = withStats([](nl_msg* m) { nla_put_string(m, IPCKIT_A_STAT_NAME, "open"); });
    EXPECT_EQ("malformed ipckit GET_STATS reply (STAT 2): no STAT_VALUE attribute",
              Why(ParseStatsReply(Hdr(b), b.size())));
    b = withStats([](nl_msg* m) {
        nla_put_string(m, IPCKIT_A_STAT_NAME, "open");
        nla_put_u32(m, IPCKIT_A_STAT_VALUE, 1);
    });
    EXPECT_EQ("malformed ipckit GET_STATS reply (STAT 2): STAT_VALUE is 4 bytes, not a u64 (8)",
              Why(ParseStatsReply(Hdr(b), b.size())));
    b = withStats([](nl_msg* m) { nla_put_u64(m, IPCKIT_A_STAT_VALUE, 1); });
    EXPECT_EQ("malformed ipckit GET_STATS reply (STAT 2): no STAT_NAME attribute",
              Why(ParseStatsReply(Hdr(b), b.size())));
    b = withStats([](nl_msg* m) {
        nla_put_string(m, IPCKIT_A_STAT_NAME, "big");
        nla_put_u64(m, IPCKIT_A_STAT_VALUE, UINT64_MAX);
    });
    EXPECT_NE(std::string::npos, Why(ParseStatsReply(Hdr(b), b.size())).find("beyond any count"));
    b = Bytes(Build(IPCKIT_CMD_GET_STATS, [](nl_msg* m) { nla_put_u32(m, IPCKIT_A_PID, 1); }));
    EXPECT_EQ("malformed ipckit GET_STATS reply: no DEVICE attribute",
              Why(ParseStatsReply(Hdr(b), b.size())));
}

TEST(ProcReply, CountsInColumnOrder)
{
    auto b = Bytes(Build(IPCKIT_CMD_GET_PROC, [](nl_msg* m) {
        nla_put_string(m, IPCKIT_A_DEVICE, "binder");
        nla_put_u32(m, IPCKIT_A_PID, 77);
        nla_put_u32(m, IPCKIT_A_UID, 1000);
        nla_put_u32(m, IPCKIT_A_PROC_NODES, 2);
        nla_put_u32(m, IPCKIT_A_PROC_THREADS, 3);
        nla_put_u32(m, IPCKIT_A_PROC_REFS, 4);
        nla_put_u32(m, IPCKIT_A_PROC_FROZEN, 1);
    }));
    auto p = ParseProcReply(Hdr(b), b.size());
    ASSERT_TRUE(p) << Why(p);
    EXPECT_EQ(77u, p->pid);
    EXPECT_EQ(3u, p->Get("threads"));
    EXPECT_FALSE(p->Get("todo"));
    EXPECT_EQ(1000u, p->uid);
    EXPECT_EQ("DEVICE  PID   UID  THREADS  MAX  REQUESTED  STARTED  NODES  REFS  STRONG  TODO  "
              "BUFFERS  BYTES  FROZEN\n"
              "binder   77  1000        3    -          -        -      2     4       -     -        "
              "-      -     yes\n",
              FormatProcs({*p}));
    EXPECT_EQ(R"({"device":"binder","pid":77,"uid":1000,"threads":3,"nodes":2,"refs":4,)"
              R"("frozen":1})",
              ProcJson(*p));

    b = Bytes(Build(IPCKIT_CMD_GET_PROC,
                    [](nl_msg* m) { nla_put_string(m, IPCKIT_A_DEVICE, "binder"); }));
    EXPECT_EQ("malformed ipckit GET_PROC reply: no PID attribute",
              Why(ParseProcReply(Hdr(b), b.size())));
}

TEST(Filter, KindsByBrNameOrEventName)
{
    MonitorFilter f;
    ASSERT_TRUE(ParseKinds("dead_reply,BR_FAILED_REPLY,Death_Sent,br_dead_reply", f));
    EXPECT_EQ((std::vector<uint32_t>{BR_DEAD_REPLY, BR_FAILED_REPLY}), f.reportKinds);
    EXPECT_EQ((std::vector<uint32_t>{IPCKIT_EVENT_DEATH_SENT}), f.eventKinds);
    MonitorFilter g;
    auto s = ParseKinds("death_sent,bogus", g);
    ASSERT_FALSE(s);
    EXPECT_EQ("unknown --kind 'bogus' (kinds: BR_FAILED_REPLY, BR_DEAD_REPLY, BR_FROZEN_REPLY, "
              "BR_TRANSACTION_PENDING_FROZEN, BR_ONEWAY_SPAM_SUSPECT, proc_open, proc_exit, "
              "death_sent, freeze, unfreeze, context_mgr)",
              s.error().message);
    EXPECT_FALSE(ParseKinds("", g));
    EXPECT_FALSE(ParseKinds("BR_NOOP", g)) << "not a kind reports carry";
}

TEST(Filter, MatchesDevicePidAndKind)
{
    Report r;
    r.error = BR_DEAD_REPLY;
    r.context = "binder";
    r.fromPid = 10;
    r.toPid = 20;
    Event e;
    e.kind = IPCKIT_EVENT_DEATH_SENT;
    e.device = "binder";
    e.pid = 30;
    e.targetPid = 20;

    MonitorFilter all;
    EXPECT_TRUE(all.WantsReports() && all.WantsEvents());
    EXPECT_TRUE(all.Matches(r));
    EXPECT_TRUE(all.Matches(e));

    MonitorFilter pid;
    pid.pid = 20;
    EXPECT_TRUE(pid.Matches(r));
    EXPECT_TRUE(pid.Matches(e));
    pid.pid = 10;
    EXPECT_TRUE(pid.Matches(r));
    EXPECT_FALSE(pid.Matches(e));
    pid.pid = 99;
    EXPECT_FALSE(pid.Matches(r));

    MonitorFilter dev;
    dev.device = "ipckit";
    EXPECT_FALSE(dev.Matches(r));
    EXPECT_FALSE(dev.Matches(e));

    MonitorFilter kinds;
    ASSERT_TRUE(ParseKinds("failed_reply", kinds));
    EXPECT_TRUE(kinds.WantsReports());
    EXPECT_FALSE(kinds.WantsEvents());
    EXPECT_FALSE(kinds.Matches(r));
    EXPECT_FALSE(kinds.Matches(e));
    ASSERT_TRUE(ParseKinds("dead_reply", kinds));
    EXPECT_TRUE(kinds.Matches(r));
}

TEST(Event, ControlBytesInNamesStayOnOneLine)
{
    auto b = Bytes(Build(IPCKIT_CMD_EVENT, [](nl_msg* m) {
        nla_put_string(m, IPCKIT_A_DEVICE, "bad\n\x1b[2J\\");
        nla_put_u32(m, IPCKIT_A_EVENT, IPCKIT_EVENT_PROC_OPEN);
    }));
    auto e = ParseEvent(Hdr(b), b.size());
    ASSERT_TRUE(e) << Why(e);
    EXPECT_EQ("t ipckit event dev=bad\\x0a\\x1b[2J\\x5c kind=proc_open", FormatEvent("t", *e));
    EXPECT_NE(std::string::npos, EventJson("t", *e).find(R"("device":"bad\n\u001b[2J\\")"));
}

TEST(Names, ReturnsEventKindsAndDevices)
{
    EXPECT_EQ("BR_FROZEN_REPLY", ReturnName(BR_FROZEN_REPLY));
    EXPECT_EQ("BR_TRANSACTION_PENDING_FROZEN", ReturnName(_IO('r', 20)));
    EXPECT_EQ("0x12345", ReturnName(0x12345));
    EXPECT_EQ("context_mgr", EventKindName(IPCKIT_EVENT_CONTEXT_MGR));
    EXPECT_EQ("binder", DeviceName("/dev/binder"));
    EXPECT_EQ("binder", DeviceName("binder"));
    EXPECT_EQ("t lost events: the socket overran (ENOBUFS), the kernel dropped messages",
              FormatLost("t"));
    EXPECT_EQ(R"({"time":"t","type":"lost","reason":"ENOBUFS"})", LostJson("t"));
}

}  // namespace
