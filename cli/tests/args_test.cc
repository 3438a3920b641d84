// SPDX-License-Identifier: Apache-2.0
//
// Host tests of the driver-free parts of `ipckit`: ids and codes, typed
// arguments and their parcel encoding, reply decoding, UTF-8/16, the hex
// dump, the debugfs stats parser and report, watch's rates, the tables,
// and that the help and the manual page name the same commands.
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <ipckit/message_parcel.h>

#include "../args.h"
#include "../help.h"
#include "../stats.h"
#include "../table.h"

namespace {

using namespace ipckit::cli;
using ipckit::MessageParcel;

std::vector<uint8_t> Bytes(const MessageParcel& p)
{
    const auto* d = reinterpret_cast<const uint8_t*>(p.GetData());
    return d ? std::vector<uint8_t>(d, d + p.GetDataSize()) : std::vector<uint8_t>{};
}

// The message of a refused parse, or "(accepted)".
template <typename T>
std::string Why(const ipckit::Result<T>& r)
{
    return r ? "(accepted)" : r.error().message;
}

TEST(Ids, SaIdsAreDecimalOrHexWithinSamgrsRange)
{
    EXPECT_EQ(4801, ParseSaId("4801").value());
    EXPECT_EQ(4801, ParseSaId("0x12c1").value());
    EXPECT_EQ(4801, ParseSaId("0X12C1").value());
    EXPECT_EQ(0, ParseSaId("0").value());
    EXPECT_EQ(0xffffff, ParseSaId("0x00ffffff").value());
    EXPECT_EQ("SA id '0x1000000' is outside 0..0xffffff", Why(ParseSaId("0x1000000")));
    EXPECT_EQ("SA id '-1' is outside 0..0xffffff", Why(ParseSaId("-1")));
    EXPECT_EQ("SA id '99999999999999999999999' is outside 0..0xffffff",
              Why(ParseSaId("99999999999999999999999")));
    for (const char* bad : {"", "abc", "12a", "0x", "0xg", "--1", "0x-1", " 1", "1 "})
        EXPECT_NE(std::string::npos, Why(ParseSaId(bad)).find("is not a number")) << bad;
}

TEST(Ids, CodesAreUserCodes)
{
    EXPECT_EQ(1u, ParseCode("1").value());
    EXPECT_EQ(0xffffffu, ParseCode("0xffffff").value());
    EXPECT_EQ("code '0' is outside 1..0xffffff", Why(ParseCode("0")));
    EXPECT_EQ("code '0x1000000' is outside 1..0xffffff", Why(ParseCode("0x1000000")));
    EXPECT_EQ("code 'two' is not a number (decimal, or hex with 0x)", Why(ParseCode("two")));
}

TEST(Ids, SecondsArePositive)
{
    EXPECT_DOUBLE_EQ(0.5, ParseSeconds("0.5", "--interval").value());
    EXPECT_DOUBLE_EQ(2, ParseSeconds("2", "--interval").value());
    for (const char* bad : {"0", "-1", "x", "", "1s", "1e9"})
        EXPECT_FALSE(ParseSeconds(bad, "--interval")) << bad;
}

TEST(TypedArgs, IntegersKeepTheirRange)
{
    EXPECT_EQ(-5, ParseTypedArg("i32:-5")->integer);
    EXPECT_EQ(0x7fffffff, ParseTypedArg("i32:0x7fffffff")->integer);
    EXPECT_EQ(INT32_MIN, ParseTypedArg("i32:-2147483648")->integer);
    EXPECT_EQ("bad argument 'i32:2147483648': i32 '2147483648' is outside "
              "-2147483648..2147483647",
              Why(ParseTypedArg("i32:2147483648")));
    EXPECT_EQ(4294967295, ParseTypedArg("u32:4294967295")->integer);
    EXPECT_FALSE(ParseTypedArg("u32:-1"));
    EXPECT_FALSE(ParseTypedArg("u32:4294967296"));
    EXPECT_EQ(INT64_MIN, ParseTypedArg("i64:-9223372036854775808")->integer);
    EXPECT_EQ(INT64_MAX, ParseTypedArg("i64:0x7fffffffffffffff")->integer);
    EXPECT_FALSE(ParseTypedArg("i64:9223372036854775808"));
    EXPECT_EQ("bad argument 'i32:abc': i32 'abc' is not a number (decimal, or hex with 0x)",
              Why(ParseTypedArg("i32:abc")));
}

TEST(TypedArgs, OtherTypes)
{
    EXPECT_EQ(1, ParseTypedArg("bool:true")->integer);
    EXPECT_EQ(0, ParseTypedArg("bool:false")->integer);
    EXPECT_EQ(1, ParseTypedArg("bool:1")->integer);
    EXPECT_EQ("bad argument 'bool:yes': a bool is true or false", Why(ParseTypedArg("bool:yes")));
    EXPECT_DOUBLE_EQ(-1.5, ParseTypedArg("f64:-1.5")->real);
    EXPECT_DOUBLE_EQ(1e300, ParseTypedArg("f64:1e300")->real);
    EXPECT_FALSE(ParseTypedArg("f64:1.5x"));
    EXPECT_FALSE(ParseTypedArg("f64:"));

    auto str = ParseTypedArg("str:a:b c");  // only the first colon separates
    ASSERT_TRUE(str);
    EXPECT_EQ(ArgType::Str, str->type);
    EXPECT_EQ("a:b c", str->text);
    EXPECT_EQ("", ParseTypedArg("str:")->text);
    EXPECT_EQ(ArgType::Token, ParseTypedArg("token:ipckit.demo.IKvStore")->type);
    EXPECT_EQ("h\xc3\xa9", ParseTypedArg("s16:h\xc3\xa9")->text);
    EXPECT_EQ("bad argument 's16:\xff': invalid UTF-8 at byte 0",
              Why(ParseTypedArg("s16:\xff")));
    EXPECT_EQ("/dev/null", ParseTypedArg("fd:/dev/null")->text);
    EXPECT_FALSE(ParseTypedArg("fd:"));
}

TEST(TypedArgs, MalformedOnesNameThemselvesAndTheTypes)
{
    EXPECT_EQ("bad argument 'x:1': unknown type 'x' (types: token, i32, i64, u32, bool, f64, "
              "str, s16, fd)",
              Why(ParseTypedArg("x:1")));
    EXPECT_EQ("bad argument '42': expected TYPE:VALUE, TYPE one of token, i32, i64, u32, bool, "
              "f64, str, s16, fd",
              Why(ParseTypedArg("42")));
    EXPECT_FALSE(ParseTypedArg(":1"));
    EXPECT_FALSE(ParseTypedArg("I32:1"));  // types are lower case
}

TEST(ReplyTypes, CommaSeparatedWithoutToken)
{
    auto t = ParseReplyTypes("i32,str,s16,i64,u32,bool,f64,fd");
    ASSERT_TRUE(t) << Why(t);
    EXPECT_EQ((std::vector<ArgType>{ArgType::I32, ArgType::Str, ArgType::S16, ArgType::I64,
                                    ArgType::U32, ArgType::Bool, ArgType::F64, ArgType::Fd}),
              *t);
    EXPECT_NE(std::string::npos, Why(ParseReplyTypes("i32,nope")).find("'nope'"));
    EXPECT_FALSE(ParseReplyTypes(""));
    EXPECT_FALSE(ParseReplyTypes("i32,"));
    EXPECT_FALSE(ParseReplyTypes("i32,,str"));
    EXPECT_FALSE(ParseReplyTypes("token"));
}

std::vector<TypedArg> Parse(std::initializer_list<const char*> args)
{
    std::vector<TypedArg> out;
    for (const char* a : args) {
        auto arg = ParseTypedArg(a);
        EXPECT_TRUE(arg) << a << ": " << Why(arg);
        if (arg)
            out.push_back(*arg);
    }
    return out;
}

TEST(WriteArgs, LaysOutTheParcelAsTheIpcKitWritesWould)
{
    MessageParcel data;
    auto size = WriteArgs(data, Parse({"token:ipckit.demo.IKvStore", "i32:-7", "i64:0x100000000",
                                       "u32:0xffffffff", "bool:true", "f64:2.5", "str:k",
                                       "s16:v\xc3\xa9"}));
    ASSERT_TRUE(size) << Why(size);

    MessageParcel want;
    ASSERT_TRUE(want.WriteInterfaceToken(u"ipckit.demo.IKvStore"));
    ASSERT_TRUE(want.WriteInt32(-7));
    ASSERT_TRUE(want.WriteInt64(0x100000000));
    ASSERT_TRUE(want.WriteUint32(0xffffffff));
    ASSERT_TRUE(want.WriteBool(true));
    ASSERT_TRUE(want.WriteDouble(2.5));
    ASSERT_TRUE(want.WriteString("k"));
    ASSERT_TRUE(want.WriteString16(u"v\u00e9"));
    EXPECT_EQ(want.GetDataSize(), *size);
    EXPECT_EQ(Bytes(want), Bytes(data));
}

TEST(WriteArgs, FdSendsTheOpenedFileAndMissingFilesAreNamed)
{
    MessageParcel data;
    ASSERT_TRUE(WriteArgs(data, Parse({"i32:1", "fd:/dev/null"})));
    EXPECT_EQ(1u, data.GetObjectOffsets().size());
    auto lines = DecodeReply(data, {ArgType::I32, ArgType::Fd});
    ASSERT_TRUE(lines) << Why(lines);
    EXPECT_EQ((std::vector<std::string>{"i32 1", "fd -> /dev/null"}), *lines);

    MessageParcel other;
    auto r = WriteArgs(other, Parse({"fd:/nonexistent/file"}));
    ASSERT_FALSE(r);
    EXPECT_EQ("cannot open /nonexistent/file for fd:/nonexistent/file: No such file or directory",
              r.error().message);
}

TEST(WriteArgs, TooMuchDataIsRefusedNamingTheArgument)
{
    MessageParcel data;
    std::string big = "str:" + std::string(MessageParcel::kDefaultMaxCapacity, 'x');
    auto r = WriteArgs(data, Parse({"i32:1", big.c_str()}));
    ASSERT_FALSE(r);
    EXPECT_EQ("argument 2 (str) does not fit in the parcel (at most 200 KiB)", r.error().message);
}

TEST(DecodeReply, EveryTypeRoundTrips)
{
    MessageParcel reply;
    ASSERT_TRUE(WriteArgs(reply, Parse({"i32:0", "str:v", "s16:\xe2\x82\xac", "i64:-1",
                                        "u32:4000000000", "bool:false", "f64:0.1"})));
    auto lines = DecodeReply(reply, ParseReplyTypes("i32,str,s16,i64,u32,bool,f64").value());
    ASSERT_TRUE(lines) << Why(lines);
    EXPECT_EQ((std::vector<std::string>{"i32 0", "str \"v\"", "s16 \"\xe2\x82\xac\"", "i64 -1",
                                        "u32 4000000000", "bool false", "f64 0.1"}),
              *lines);
    EXPECT_EQ(0u, reply.GetReadableBytes());
}

TEST(DecodeReply, AShortReplyNamesTheMissingValue)
{
    MessageParcel reply;
    ASSERT_TRUE(reply.WriteInt32(2));  // kv_service's GET of a missing key
    auto lines = DecodeReply(reply, {ArgType::I32, ArgType::Str});
    ASSERT_FALSE(lines);
    EXPECT_EQ("reply value 2 (str) is not there: the reply has 4 bytes, 0 left at offset 4",
              lines.error().message);
}

TEST(Quote, EscapesWhatATerminalWouldEat)
{
    EXPECT_EQ("\"v\"", Quote("v"));
    EXPECT_EQ("\"a\\\"b\\\\c\\n\\t\\x01\\x7f\xc3\xa9\"", Quote("a\"b\\c\n\t\x01\x7f\xc3\xa9"));
}

TEST(HexDump, SixteenBytesALineWithAscii)
{
    const char data[] = "ipckit\x00\x01 hex dump test";  // 24 bytes and the NUL
    EXPECT_EQ("00000000  69 70 63 6b 69 74 00 01  20 68 65 78 20 64 75 6d  |ipckit.. hex dum|\n"
              "00000010  70 20 74 65 73 74 00                              |p test.|\n",
              HexDump(data, sizeof(data)));
    EXPECT_EQ("", HexDump(nullptr, 0));
}

const char kStats[] =
    "procs 2\n"
    "open 14\n"
    "release 12\n"
    "mmap 14\n"
    "mmap_rejected 0\n"
    "ioctl 345\n"
    "ioctl_unknown 1\n"
    "proc_created 14\n"
    "proc_deleted 12\n"
    "thread_created 30\n"
    "thread_deleted 27\n"
    "node_created 5\n"
    "node_deleted 4\n"
    "ref_created 9\n"
    "ref_deleted 8\n"
    "transaction_created 120\n"
    "transaction_deleted 119\n"
    "BC_TRANSACTION 70\n"
    "BC_REPLY 50\n"
    "BC_FREE_BUFFER 120\n"
    "BR_TRANSACTION 70\n"
    "BR_REPLY 50\n"
    "future_counter 3\n";

TEST(Stats, ParsesTheKernelsFormat)
{
    auto s = ParseStats(kStats);
    ASSERT_TRUE(s) << Why(s);
    EXPECT_EQ(23u, s->counters.size());
    EXPECT_EQ(2, s->Get("procs"));
    EXPECT_EQ(120, s->Get("transaction_created"));
    EXPECT_EQ(70, s->Get("BC_TRANSACTION"));
    EXPECT_TRUE(s->Has("BR_REPLY"));
    EXPECT_FALSE(s->Has("BR_DEAD_REPLY"));
    EXPECT_EQ(0, s->Get("BR_DEAD_REPLY"));  // the kernel leaves out zero counts
    EXPECT_EQ("transaction_created", s->counters[15].first);  // file order kept
}

TEST(Stats, RefusesWhatIsNotNameValue)
{
    EXPECT_EQ("line 2: 'open' is not 'name value'", Why(ParseStats("procs 1\nopen\n")));
    EXPECT_EQ("line 1: 'procs x' is not 'name value'", Why(ParseStats("procs x\n")));
    EXPECT_EQ("line 3: 'a 1 2' is not 'name value'", Why(ParseStats("a 1\n\na 1 2\n")));
    EXPECT_EQ("no counters in it", Why(ParseStats("")));
    EXPECT_TRUE(ParseStats("procs 1"));  // no final newline
}

TEST(Stats, PathIsTheDevicesBasename)
{
    EXPECT_EQ("/sys/kernel/debug/ipckit/ipckit/stats", StatsPath("/dev/ipckit"));
    EXPECT_EQ("/sys/kernel/debug/ipckit/ipckit-b/stats", StatsPath("/dev/ipckit-b"));
    EXPECT_EQ("/sys/kernel/debug/ipckit/binder/stats", StatsPath("binder"));
}

TEST(Stats, ReportGroupsTheCounters)
{
    const std::string report = FormatStats(ParseStats(kStats).value());
    EXPECT_EQ(0u, report.find("objects         created  deleted  live\n"
                              "  processes          14       12     2\n"
                              "  threads            30       27     3\n"
                              "  nodes               5        4     1\n"
                              "  refs                9        8     1\n"
                              "  transactions      120      119     1\n"
                              "live processes: 2\n"))
        << report;
    EXPECT_NE(std::string::npos,
              report.find("file operations: open 14, release 12, mmap 14 (0 refused), "
                          "ioctl 345 (1 unknown)\n"))
        << report;
    EXPECT_NE(std::string::npos, report.find("commands from processes (BC_*)  count\n"
                                             "BC_TRANSACTION                     70\n"
                                             "BC_REPLY                           50\n"))
        << report;
    EXPECT_NE(std::string::npos, report.find("BR_REPLY  ")) << report;
    EXPECT_NE(std::string::npos, report.find("other counters  value\nfuture_counter      3\n"))
        << report;

    const std::string fresh = FormatStats(ParseStats("procs 0\nopen 0\n").value());
    EXPECT_NE(std::string::npos, fresh.find("commands from processes (BC_*): none yet\n"));
    EXPECT_EQ(std::string::npos, fresh.find("other counters"));
}

TEST(Watch, RatesComeFromTheCommandCounts)
{
    auto before = ParseStats("procs 1\nBC_TRANSACTION 10\nBC_REPLY 4\n").value();
    auto after = ParseStats("procs 3\nBC_TRANSACTION 30\nBC_TRANSACTION_SG 2\nBC_REPLY 12\n"
                            "BC_REPLY_SG 2\n")
                     .value();
    Rates r = ComputeRates(before, after, 2.0);
    EXPECT_DOUBLE_EQ(11.0, r.calls);   // (20 + 2) / 2
    EXPECT_DOUBLE_EQ(5.0, r.replies);  // (8 + 2) / 2
    EXPECT_DOUBLE_EQ(6.0, r.oneway);   // calls without a reply
    EXPECT_EQ(3, r.procs);

    Rates backwards = ComputeRates(after, before, 1.0);  // module reloaded: no negatives
    EXPECT_DOUBLE_EQ(0.0, backwards.calls);
    EXPECT_DOUBLE_EQ(0.0, backwards.oneway);
    EXPECT_DOUBLE_EQ(0.0, ComputeRates(before, after, 0).calls);

    EXPECT_EQ("TIME        CALLS/S  REPLIES/S   ONEWAY/S  PROCS\n", WatchHeader());
    EXPECT_EQ("12:00:01       11.0        5.0        6.0      3\n", WatchLine("12:00:01", r));
}

TEST(Table, AlignsColumnsWithoutTrailingBlanks)
{
    EXPECT_EQ("    ID  NAME  FLAGS\n"
              "     7  a     -\n"
              "  4801  long  distributed\n",
              FormatTable({{"ID", true}, {"NAME"}, {"FLAGS"}},
                          {{"7", "a", "-"}, {"4801", "long", "distributed"}}, "  "));
    EXPECT_EQ("A  B\n1\n", FormatTable({{"A"}, {"B"}}, {{"1"}}));
    // Widths count characters: "…" is one column, not three bytes.
    EXPECT_EQ("ID   RTT(µs)  X\n"
              "ab…       12  y\n",
              FormatTable({{"ID"}, {"RTT(µs)", true}, {"X"}}, {{"ab…", "12", "y"}}));
}

TEST(Ids, NetworkIdsAre64LowercaseHexDigits)
{
    const std::string id(64, 'a');
    ASSERT_TRUE(ParseNetworkId(id));
    EXPECT_EQ(id, ParseNetworkId(id).value());
    EXPECT_FALSE(ParseNetworkId(std::string(63, 'a')));
    EXPECT_FALSE(ParseNetworkId(std::string(65, 'a')));
    EXPECT_FALSE(ParseNetworkId(std::string(64, 'A')));
    EXPECT_FALSE(ParseNetworkId(std::string(63, 'a') + "g"));
    EXPECT_FALSE(ParseNetworkId(""));
    auto bad = ParseNetworkId("device-b");
    ASSERT_FALSE(bad);
    EXPECT_NE(std::string::npos, bad.error().message.find("'device-b'"));
    EXPECT_EQ("aaaaaaaaaaaa\u2026", ShortNetworkId(id));
    EXPECT_EQ("abc", ShortNetworkId("abc"));
}

TEST(Errors, RpcCodesHaveTheirNames)
{
    EXPECT_EQ("RPC_ERR_NOT_DISTRIBUTED", ErrorName(523));
    EXPECT_EQ("RPC_ERR_PACKET_TOO_BIG", ErrorName(520));
    EXPECT_EQ("RPC_ERR_CALLER_NOT_AUTHORIZED", ErrorName(603));
    EXPECT_EQ("RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT", ErrorName(502));
    EXPECT_EQ("ERR_DEAD_OBJECT", ErrorName(32));
    EXPECT_EQ("", ErrorName(77));
    EXPECT_EQ("RPC_ERR_NO_DEVICE (524): rpc: no such device online", ExplainError(524));
    EXPECT_EQ("unrecognised error code (77)", ExplainError(77));
}

TEST(Help, ListsEveryCommandAndTheManualPageDocumentsThem)
{
    const std::string help = MainHelp();
    std::ifstream in(IPCKIT_MANPAGE);
    ASSERT_TRUE(in) << "cannot read " << IPCKIT_MANPAGE;
    std::stringstream manpage;
    manpage << in.rdbuf();
    ASSERT_EQ(12u, Commands().size());
    for (const auto& c : Commands()) {
        EXPECT_NE(std::string::npos, help.find("\n  " + std::string(c.name) + " ")) << c.name;
        EXPECT_EQ(&c, FindCommand(c.name));
        EXPECT_EQ(0u, CommandHelp(c).find("usage: ipckit [-d DEVICE] " + std::string(c.synopsis) +
                                          "\n\n"));
        EXPECT_NE(std::string::npos,
                  manpage.str().find("ipckit [-d DEVICE] " + std::string(c.synopsis)))
            << c.name << " is not in the SYNOPSIS of " << IPCKIT_MANPAGE;
    }
    EXPECT_EQ(nullptr, FindCommand("nope"));
    EXPECT_EQ("list, ping, call, dump, stats, watch, monitor, proc, bind, devices, rpc, help",
              CommandNames());
}

}  // namespace
