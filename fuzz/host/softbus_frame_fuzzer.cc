// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: the soft bus frame codec (softbus/wire/frame.h), which
// softbusd runs on bytes from other devices (links) and from any local
// process (channels), and which libipckit's client runs on its daemon's.
//
// Input: byte 0 = n (low 3 bits), then n split bytes, then the stream.
// The stream is decoded three ways, which must agree frame for frame:
//   link     as softbusd's LinkRead: never more than Wanted() at a time,
//            each read cut further by the split sizes (TLS short reads);
//   channel  as the channel reader: everything in one Feed loop;
//   chunks   reads of the split sizes (8192 without splits), Wanted()
//            ignored, with a Feed probed while a frame waits in Next().
// Checked on every frame: body size == header length, within the type's
// limit, flags only on DATA (FIRST with its length word), the frame
// re-encoded by AppendFrame is the very bytes it came from and decodes back
// to itself; ParseControlBody accepts exactly what a plain parse says is an
// object of at most three levels within MAX_CONTROL_BODY, gives that
// object, and never throws; JsonString/JsonUint/JsonBool on the fields the
// daemon reads never throw and agree with the object; AppendJsonFrame of
// it decodes back to an equal object. On a bad header the decoder stops
// right after it, stays failed (Wanted() 0, Feed refused, no frame), and
// DecodeHeader refuses the same 12 bytes with the same message. A header
// DecodeHeader accepts re-encodes (EncodeHeader) to the same 12 bytes.
#include <algorithm>
#include <cstring>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_check.h"
#include "wire/frame.h"

using namespace ipckit::softbus;

namespace {

constexpr std::size_t kMaxSessionName = 64;  // ipckit/softbus.h MAX_SESSION_NAME

struct Outcome {
    std::vector<Frame> frames;
    bool failed = false;
    std::string error;
    std::size_t consumed = 0;  // bytes Feed() took in all
    std::size_t wanted = 0;    // Wanted() at the end
};

bool SameFrame(const Frame& a, const Frame& b)
{
    return a.header.length == b.header.length && a.header.type == b.header.type &&
           a.header.flags == b.header.flags && a.header.channel == b.header.channel &&
           a.body == b.body;
}

// A split byte: 1..127 bytes, or multiples of 512 up to 64 KiB; 0 = no cut.
std::size_t SplitSize(uint8_t v)
{
    if (v == 0)
        return SIZE_MAX;
    return v < 128 ? v : std::size_t{v - 127u} * 512;
}

class Splits {
public:
    Splits(std::span<const uint8_t> bytes, std::size_t fallback) : bytes_(bytes), fallback_(fallback) {}
    std::size_t Next()
    {
        if (bytes_.empty())
            return fallback_;
        return SplitSize(bytes_[i_++ % bytes_.size()]);
    }

private:
    std::span<const uint8_t> bytes_;
    std::size_t fallback_;
    std::size_t i_ = 0;
};

// A decoder that has failed stays failed, whatever it is given.
void CheckStaysFailed(FrameDecoder& d, const uint8_t* data, std::size_t len)
{
    CHECK(d.failed() && !d.error().empty(), "failed() %d error '%s'", d.failed(), d.error().c_str());
    CHECK(d.Wanted() == 0, "failed decoder wants %zu", d.Wanted());
    CHECK(!d.Next(), "failed decoder gives a frame");
    std::size_t used = 99;
    CHECK(!d.Feed(data, len, &used), "failed decoder took a Feed");
    CHECK(used == 0, "failed decoder used %zu", used);
    CHECK(d.Wanted() == 0 && !d.Next() && d.failed(), "failed decoder revived");
}

// Takes the decoder's frames; none may wait after that.
void Drain(FrameDecoder& d, Outcome& out)
{
    while (auto frame = d.Next())
        out.frames.push_back(std::move(*frame));
    CHECK(!d.failed() && d.Wanted() > 0, "idle decoder: failed %d wants %zu", d.failed(),
          d.Wanted());
}

Outcome LinkRun(std::span<const uint8_t> in, std::span<const uint8_t> splitBytes)
{
    Outcome out;
    FrameDecoder d;
    Splits splits(splitBytes, SIZE_MAX);
    std::size_t off = 0;
    while (off < in.size()) {
        // softbusd: want = min(sizeof(buf), Wanted()), then TLS may give less.
        std::size_t want = std::min<std::size_t>(65536, d.Wanted());
        CHECK(want > 0, "LinkRead would read %zu", want);
        std::size_t chunk = std::min({want, splits.Next(), in.size() - off});
        std::size_t used = 99;
        bool ok = d.Feed(in.data() + off, chunk, &used);
        CHECK(used <= chunk, "used %zu of %zu", used, chunk);
        off += used;
        if (!ok) {
            out.failed = true;
            out.error = d.error();
            CheckStaysFailed(d, in.data(), in.size());
            break;
        }
        // At most Wanted(): the decoder takes it all, and a frame can only
        // end at its end.
        CHECK(used == chunk, "link read of %zu, decoder took %zu", chunk, used);
        Drain(d, out);
    }
    out.consumed = off;
    out.wanted = d.Wanted();
    return out;
}

// The channel reader's loop over each read (one read: everything).
Outcome ReadRun(std::span<const uint8_t> in, std::span<const uint8_t> splitBytes, bool whole)
{
    Outcome out;
    FrameDecoder d;
    Splits splits(whole ? std::span<const uint8_t>{} : splitBytes, whole ? SIZE_MAX : 8192);
    std::size_t off = 0;
    while (off < in.size() && !out.failed) {
        std::size_t end = off + std::min(splits.Next(), in.size() - off);
        while (off < end) {
            std::size_t used = 99;
            bool ok = d.Feed(in.data() + off, end - off, &used);
            CHECK(used <= end - off, "used %zu of %zu", used, end - off);
            off += used;
            if (!ok) {
                out.failed = true;
                out.error = d.error();
                CheckStaysFailed(d, in.data(), in.size());
                break;
            }
            // Progress, or the daemon's loop would spin.
            CHECK(used > 0, "Feed of %zu bytes took none", end - off);
            if (!whole && off < end) {
                // A frame is ready (else it would have taken all): no more
                // until Next() takes it.
                CHECK(d.Wanted() == 0, "frame ready, wants %zu", d.Wanted());
                std::size_t again = 99;
                CHECK(d.Feed(in.data() + off, end - off, &again) && again == 0,
                      "Feed with a frame waiting took %zu", again);
            }
            Drain(d, out);
        }
    }
    out.consumed = off;
    out.wanted = d.Wanted();
    return out;
}

// Container nesting: a scalar 0, an empty or flat object 1.
int Depth(const nlohmann::json& j)
{
    if (!j.is_structured())
        return 0;
    int deepest = 0;
    for (const auto& v : j)
        deepest = std::max(deepest, Depth(v));
    return deepest + 1;
}

void CheckString(const nlohmann::json& j, const char* key, std::size_t maxLen)
{
    auto v = JsonString(j, key, maxLen);
    auto it = j.find(key);
    bool want = it != j.end() && it->is_string() && it->get_ref<const std::string&>().size() <= maxLen;
    CHECK(v.has_value() == want, "JsonString(%s, %zu): %d, expected %d", key, maxLen,
          v.has_value(), want);
    if (v)
        CHECK(*v == it->get_ref<const std::string&>(), "JsonString(%s) changed the text", key);
}

void CheckUint(const nlohmann::json& j, const char* key)
{
    auto v = JsonUint(j, key);
    auto it = j.find(key);
    bool want = it != j.end() && it->is_number_unsigned();
    CHECK(v.has_value() == want, "JsonUint(%s): %d, expected %d", key, v.has_value(), want);
    if (v)
        CHECK(*v == it->get<uint64_t>(), "JsonUint(%s) changed the value", key);
}

void CheckBool(const nlohmann::json& j, const char* key)
{
    auto v = JsonBool(j, key);
    auto it = j.find(key);
    bool want = it != j.end() && it->is_boolean();
    CHECK(v.has_value() == want, "JsonBool(%s): %d, expected %d", key, v.has_value(), want);
    if (v)
        CHECK(*v == it->get<bool>(), "JsonBool(%s) changed the value", key);
}

// Every field the daemon (and the client) reads, at their length limits.
void CheckFields(const nlohmann::json& j)
{
    CheckString(j, "name", kMaxSessionName);
    CheckString(j, "name", 64);
    CheckString(j, "name", 256);
    CheckString(j, "networkId", 64);
    CheckString(j, "message", 512);
    CheckString(j, "message", MAX_CONTROL_BODY);
    CheckString(j, "reason", 64);
    CheckString(j, "peer", 64);
    CheckString(j, "address", 128);
    CheckString(j, "state", 512);
    CheckString(j, "", 0);
    CheckUint(j, "session");
    CheckUint(j, "code");
    CheckUint(j, "window");
    CheckUint(j, "timeoutMs");
    CheckUint(j, "version");
    CheckBool(j, "on");
    CheckBool(j, "online");
    CheckBool(j, "trusted");
    CheckBool(j, "fd");
    // DEVICE_EVENT's device object (the client's DeviceFromJson).
    auto it = j.find("device");
    if (it != j.end() && it->is_object())
        CheckFields(*it);
}

void CheckControlBody(const Frame& frame)
{
    const std::vector<uint8_t>& body = frame.body;
    std::optional<nlohmann::json> parsed;
    try {
        auto r = ParseControlBody(body);
        if (r) {
            parsed = r.value();
        } else {
            CHECK(!r.error().message.empty() && r.error().code != 0, "refusal without a reason");
        }
    } catch (const std::exception& e) {
        CHECK(false, "ParseControlBody threw: %s", e.what());
    }

    // The model: a plain parse, and the limits the codec documents.
    auto plain = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    bool accept = body.size() <= MAX_CONTROL_BODY && !plain.is_discarded() && plain.is_object() &&
                  Depth(plain) <= 3;
    CHECK(parsed.has_value() == accept, "ParseControlBody %s a %zu-byte %s of depth %d",
          parsed ? "accepted" : "refused", body.size(),
          plain.is_discarded() ? "non-JSON" : plain.type_name(),
          plain.is_discarded() ? -1 : Depth(plain));
    if (!parsed)
        return;
    CHECK(*parsed == plain, "ParseControlBody's object differs from a plain parse");

    try {
        CheckFields(*parsed);
    } catch (const std::exception& e) {
        CHECK(false, "a Json accessor threw: %s", e.what());
    }

    // As the daemon would send it back: AppendJsonFrame, decoded again.
    std::vector<uint8_t> wire;
    try {
        AppendJsonFrame(wire, frame.header.type, frame.header.channel, *parsed);
    } catch (const std::exception& e) {
        CHECK(false, "AppendJsonFrame threw: %s", e.what());
    }
    CHECK(wire.size() >= FRAME_HEADER, "AppendJsonFrame wrote %zu bytes", wire.size());
    // Re-serialised numbers may grow ("1e5" -> "100000.0"): past the
    // limit the receiver refuses it by its header, which is right.
    if (wire.size() - FRAME_HEADER > MAX_CONTROL_BODY)
        return;
    FrameDecoder d;
    std::size_t used = 0;
    CHECK(d.Feed(wire.data(), wire.size(), &used) && used == wire.size(),
          "AppendJsonFrame's frame refused: %s", d.error().c_str());
    auto back = d.Next();
    CHECK(back.has_value(), "AppendJsonFrame's frame incomplete");
    auto again = ParseControlBody(back->body);
    CHECK(again.ok(), "AppendJsonFrame's body refused: %s", again.error().message.c_str());
    CHECK(again.value() == *parsed, "JSON round trip changed the object");
}

void CheckHeaderRoundTrip(const uint8_t* raw)
{
    auto h = DecodeHeader(raw);
    if (!h) {
        CHECK(!h.error().message.empty() && h.error().code != 0, "header refusal without a reason");
        return;
    }
    const FrameHeader& header = h.value();
    uint8_t enc[FRAME_HEADER];
    EncodeHeader(header, enc);
    CHECK(std::memcmp(enc, raw, FRAME_HEADER) == 0, "EncodeHeader(DecodeHeader(x)) != x");
    auto again = DecodeHeader(enc);
    CHECK(again.ok(), "re-encoded header refused: %s", again.error().message.c_str());
    CHECK(again.value().length == header.length && again.value().type == header.type &&
              again.value().flags == header.flags && again.value().channel == header.channel,
          "header round trip changed it");
}

void CheckFrame(const Frame& frame, std::span<const uint8_t> in, std::size_t pos)
{
    const FrameHeader& h = frame.header;
    CHECK(frame.body.size() == h.length, "body %zu, header says %u", frame.body.size(), h.length);
    CHECK(h.length <= MAX_FRAME_BODY, "%s body of %u", ToString(h.type), h.length);
    CHECK(std::strcmp(ToString(h.type), "UNKNOWN") != 0, "type %u", unsigned(h.type));
    CHECK(IsLinkFrame(h.type) != IsChannelFrame(h.type), "type %u both/neither", unsigned(h.type));
    switch (h.type) {
    case FrameType::DATA:
        CHECK((h.flags & ~(FLAG_FIRST | FLAG_LAST)) == 0, "DATA flags %#x", h.flags);
        CHECK(!(h.flags & FLAG_FIRST) || h.length >= 4, "FIRST DATA of %u bytes", h.length);
        break;
    case FrameType::PING:
    case FrameType::PONG:
        CHECK(h.flags == 0 && h.length <= 8, "%s flags %#x length %u", ToString(h.type), h.flags,
              h.length);
        break;
    case FrameType::CREDIT:
        CHECK(h.flags == 0 && h.length <= 4, "CREDIT flags %#x length %u", h.flags, h.length);
        break;
    default:
        CHECK(h.flags == 0 && h.length <= MAX_CONTROL_BODY, "%s flags %#x length %u",
              ToString(h.type), h.flags, h.length);
    }

    // Re-encoded, the frame is the bytes it was decoded from.
    std::vector<uint8_t> wire;
    AppendFrame(wire, h.type, h.channel, frame.body, h.flags);
    CHECK(wire.size() == FRAME_HEADER + h.length, "AppendFrame wrote %zu", wire.size());
    CHECK(pos + wire.size() <= in.size() &&
              std::memcmp(wire.data(), in.data() + pos, wire.size()) == 0,
          "frame at %zu does not re-encode to its bytes", pos);
    CheckHeaderRoundTrip(wire.data());

    // And it decodes back to itself, leaving the decoder at a new header.
    FrameDecoder d;
    std::size_t used = 0;
    CHECK(d.Feed(wire.data(), wire.size(), &used) && used == wire.size(),
          "re-encoded frame refused: %s", d.error().c_str());
    auto back = d.Next();
    CHECK(back && SameFrame(*back, frame), "re-encoded frame decodes differently");
    CHECK(!d.Next() && d.Wanted() == FRAME_HEADER, "after one frame, wants %zu", d.Wanted());

    // softbusd's channels parse every frame as JSON; links the control ones.
    CheckControlBody(frame);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    std::size_t nsplit = std::min<std::size_t>(data[0] & 7, size - 1);
    std::span<const uint8_t> splits(data + 1, nsplit);
    std::span<const uint8_t> in(data + 1 + nsplit, size - 1 - nsplit);

    if (in.size() >= FRAME_HEADER)
        CheckHeaderRoundTrip(in.data());

    Outcome link = LinkRun(in, splits);
    Outcome whole = ReadRun(in, splits, true);
    Outcome chunks = ReadRun(in, splits, false);

    // The three ways agree.
    for (const Outcome* o : {&whole, &chunks}) {
        CHECK(o->failed == link.failed && o->error == link.error &&
                  o->consumed == link.consumed && o->wanted == link.wanted,
              "runs disagree: failed %d/%d '%s'/'%s' consumed %zu/%zu wanted %zu/%zu", o->failed,
              link.failed, o->error.c_str(), link.error.c_str(), o->consumed, link.consumed,
              o->wanted, link.wanted);
        CHECK(o->frames.size() == link.frames.size(), "runs disagree: %zu/%zu frames",
              o->frames.size(), link.frames.size());
        for (std::size_t i = 0; i < o->frames.size(); i++)
            CHECK(SameFrame(o->frames[i], link.frames[i]), "runs disagree on frame %zu", i);
    }

    std::size_t pos = 0;
    for (const Frame& frame : link.frames) {
        CheckFrame(frame, in, pos);
        pos += FRAME_HEADER + frame.body.size();
    }

    if (link.failed) {
        // It stopped right after the bad header, which DecodeHeader refuses.
        CHECK(link.consumed == pos + FRAME_HEADER && link.consumed <= in.size(),
              "failed at %zu, the header at %zu", link.consumed, pos);
        auto h = DecodeHeader(in.data() + pos);
        CHECK(!h && h.error().message == link.error, "decoder '%s', DecodeHeader '%s'",
              link.error.c_str(), h ? "accepts" : h.error().message.c_str());
    } else {
        // Everything taken; what follows the frames is one incomplete frame.
        CHECK(link.consumed == in.size(), "consumed %zu of %zu", link.consumed, in.size());
        std::size_t rest = in.size() - pos;
        std::size_t want = FRAME_HEADER - rest;
        if (rest >= FRAME_HEADER) {
            auto h = DecodeHeader(in.data() + pos);
            CHECK(h.ok(), "a bad header at %zu was taken", pos);
            CHECK(rest < FRAME_HEADER + h.value().length, "a whole frame at %zu was not given", pos);
            CheckHeaderRoundTrip(in.data() + pos);
            want = FRAME_HEADER + h.value().length - rest;
        }
        CHECK(link.wanted == want, "%zu bytes into a frame, wants %zu, not %zu", rest, link.wanted,
              want);
    }
    return 0;
}
