// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: the generic netlink parsers of `ipckit monitor`,
// `proc`, `stats` and `watch` (cli/netlink_events.h), which run on what
// the kernel multicasts (binder reports, ipckit events) and replies.
//
// Input: byte 0 picks the parser (low 2 bits: report, event, GET_STATS
// reply, GET_PROC reply) and whether the message is delivered with its
// own length (bit 2 clear) or with every byte that follows (set, as a
// datagram holding more); the rest is the message, copied to an aligned
// buffer of exactly its size so that ASan sees any read past it.
// Checked: a parse never reads outside the bytes; an accepted message has
// a netlink length within them and a device or context; formatting and
// JSON of whatever was accepted never throw and give one line (no
// newline) and, for JSON, an object that parses back with the same
// fields; a refused one says why ("malformed ...").
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <linux/netlink.h>

#include <nlohmann/json.hpp>

#include "fuzz_check.h"
#include "netlink_events.h"

using namespace ipckit::cli;

namespace {

template <typename T>
void CheckRefusal(const ipckit::Result<T>& r)
{
    if (!r)
        CHECK(r.error().message.rfind("malformed ", 0) == 0, "refusal without a reason: %s",
              r.error().message.c_str());
}

void CheckLine(const std::string& line)
{
    CHECK(!line.empty() && line.find('\n') == std::string::npos, "not one line: %s",
          line.c_str());
}

nlohmann::json CheckJson(const std::string& text)
{
    CheckLine(text);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        CHECK(false, "JSON does not parse back: %s (%s)", e.what(), text.c_str());
    }
    CHECK(j.is_object(), "JSON is not an object: %s", text.c_str());
    return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t mode = data[0];
    // Exactly the message's bytes, aligned as a receive buffer is.
    std::vector<uint8_t> bytes(data + 1, data + size);
    const auto* hdr = bytes.empty() ? nullptr : reinterpret_cast<const nlmsghdr*>(bytes.data());
    std::size_t avail = bytes.size();
    if (!(mode & 4) && hdr && avail >= sizeof(nlmsghdr) && hdr->nlmsg_len <= avail)
        avail = hdr->nlmsg_len;

    switch (mode & 3) {
    case 0: {
        auto r = ParseReport(hdr, avail);
        CheckRefusal(r);
        if (r) {
            CHECK(hdr->nlmsg_len <= avail, "accepted a message longer than its bytes");
            CheckLine(FormatReport("00:00:00.000", *r));
            auto j = CheckJson(ReportJson("00:00:00.000", *r));
            CHECK(j["from_pid"] == r->fromPid && j["code"] == r->code &&
                      j["is_reply"] == r->isReply,
                  "JSON fields differ from the report");
        }
        break;
    }
    case 1: {
        auto e = ParseEvent(hdr, avail);
        CheckRefusal(e);
        if (e) {
            CHECK(hdr->nlmsg_len <= avail, "accepted a message longer than its bytes");
            CheckLine(FormatEvent("00:00:00.000", *e));
            auto j = CheckJson(EventJson("00:00:00.000", *e));
            CHECK(j["kind"] == EventKindName(e->kind), "JSON kind differs");
            CHECK(j.contains("pid") == e->pid.has_value(), "JSON pid differs");
        }
        break;
    }
    case 2: {
        auto s = ParseStatsReply(hdr, avail);
        CheckRefusal(s);
        if (s) {
            for (const auto& [name, value] : s->stats.counters)
                CHECK(!name.empty() && value >= 0, "a counter without a name or negative");
            (void)FormatStats(s->stats);
        }
        break;
    }
    case 3: {
        auto p = ParseProcReply(hdr, avail);
        CheckRefusal(p);
        if (p) {
            (void)FormatProcs({*p});
            auto j = CheckJson(ProcJson(*p));
            CHECK(j["pid"] == p->pid, "JSON pid differs");
        }
        break;
    }
    }
    return 0;
}
