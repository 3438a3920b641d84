// SPDX-License-Identifier: Apache-2.0
//
// Typed arguments, reply decoding, UTF conversion and the hex dump of
// `ipckit` (see args.h).
#include "args.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstring>

#include <ipckit/ipc_errors.h>
#include <ipckit/message_parcel.h>
#include <ipckit/unique_fd.h>
#include <ipckit/utf.h>

namespace ipckit::cli {
namespace {

struct TypeName {
    ArgType type;
    std::string_view name;
};
constexpr std::array<TypeName, 9> kTypes{{
    {ArgType::Token, "token"},
    {ArgType::I32, "i32"},
    {ArgType::I64, "i64"},
    {ArgType::U32, "u32"},
    {ArgType::Bool, "bool"},
    {ArgType::F64, "f64"},
    {ArgType::Str, "str"},
    {ArgType::S16, "s16"},
    {ArgType::Fd, "fd"},
}};

const TypeName* FindType(std::string_view name)
{
    for (const auto& t : kTypes)
        if (t.name == name)
            return &t;
    return nullptr;
}

std::string Hex(uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
    return buf;
}

Error Refuse(std::string message)
{
    return Error{EINVAL, std::move(message)};
}

std::string FormatDouble(double v)
{
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

// The path an fd we hold refers to, for showing a received descriptor.
std::string FdTarget(int fd)
{
    char link[64];
    std::snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    char target[PATH_MAX];
    ssize_t n = ::readlink(link, target, sizeof(target) - 1);
    return n < 0 ? std::string("(unknown)") : std::string(target, static_cast<std::size_t>(n));
}

}  // namespace

std::string ArgTypeList()
{
    std::string list;
    for (const auto& t : kTypes) {
        if (!list.empty())
            list += ", ";
        list += t.name;
    }
    return list;
}

std::string_view ArgTypeName(ArgType type)
{
    for (const auto& t : kTypes)
        if (t.type == type)
            return t.name;
    return "?";
}

Result<int64_t> ParseInteger(std::string_view text, std::string_view what, int64_t min,
                             int64_t max)
{
    const std::string shown = std::string(what) + " '" + std::string(text) + "'";
    std::string_view digits = text;
    bool negative = !digits.empty() && digits.front() == '-';
    if (negative)
        digits.remove_prefix(1);
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits.remove_prefix(2);
    }
    uint64_t magnitude = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    // from_chars takes no sign of its own, so "--1" or "0x-1" stop here too.
    if (digits.empty() || end != digits.data() + digits.size() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range))
        return Refuse(shown + " is not a number (decimal, or hex with 0x)");
    const std::string range = min == 0 && max > 0xffff
                                  ? "0.." + Hex(static_cast<uint64_t>(max))
                                  : std::to_string(min) + ".." + std::to_string(max);
    // 128 bits hold every uint64 magnitude with its sign.
    const __int128 value = negative ? -static_cast<__int128>(magnitude) : magnitude;
    if (ec == std::errc::result_out_of_range || value < min || value > max)
        return Refuse(shown + " is outside " + range);
    return static_cast<int64_t>(value);
}

Result<std::string> ParseNetworkId(std::string_view text)
{
    if (text.size() != 64 || text.find_first_not_of("0123456789abcdef") != std::string_view::npos)
        return Error{EINVAL, "network id '" + std::string(text) +
                                 "' is not 64 lowercase hex digits (see: ipckit devices --wide)"};
    return std::string(text);
}

std::string ShortNetworkId(std::string_view id)
{
    if (id.size() <= 12)
        return std::string(id);
    return std::string(id.substr(0, 12)) + "\u2026";
}

std::string_view ErrorName(int code)
{
    switch (code) {
#define IPCKIT_ERROR_NAME(c) \
    case c: return #c;
        IPCKIT_ERROR_NAME(ERR_NONE)
        IPCKIT_ERROR_NAME(ERR_TRANSACTION_FAILED)
        IPCKIT_ERROR_NAME(ERR_UNKNOWN_OBJECT)
        IPCKIT_ERROR_NAME(ERR_FLATTEN_OBJECT)
        IPCKIT_ERROR_NAME(ERR_UNKNOWN_TRANSACTION)
        IPCKIT_ERROR_NAME(ERR_INVALID_DATA)
        IPCKIT_ERROR_NAME(ERR_NULL_OBJECT)
        IPCKIT_ERROR_NAME(ERR_UNKNOWN_REASON)
        IPCKIT_ERROR_NAME(ERR_INVALID_REPLY)
        IPCKIT_ERROR_NAME(ERR_INVALID_STATE)
        IPCKIT_ERROR_NAME(ERR_ALLOC_MEMORY)
        IPCKIT_ERROR_NAME(ERR_NO_PERMISSION)
        IPCKIT_ERROR_NAME(ERR_TIMED_OUT)
        IPCKIT_ERROR_NAME(ERR_DEAD_OBJECT)
        IPCKIT_ERROR_NAME(RPC_BASE_INVOKER_INVALID_REPLY_ERR)
        IPCKIT_ERROR_NAME(RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT)
        IPCKIT_ERROR_NAME(RPC_BASE_INVOKER_SEND_FAILED)
        IPCKIT_ERROR_NAME(RPC_BASE_INVOKER_WRITE_TRANS_ERR)
        IPCKIT_ERROR_NAME(RPC_BASE_INVOKER_TRANSLATE_ERR)
        IPCKIT_ERROR_NAME(RPC_BASE_INVOKER_STUB_INDEX_ERR)
        IPCKIT_ERROR_NAME(RPC_ERR_PACKET_TOO_BIG)
        IPCKIT_ERROR_NAME(RPC_ERR_FD_NOT_ALLOWED)
        IPCKIT_ERROR_NAME(RPC_ERR_PROXY_NOT_TRANSFERABLE)
        IPCKIT_ERROR_NAME(RPC_ERR_NOT_DISTRIBUTED)
        IPCKIT_ERROR_NAME(RPC_ERR_NO_DEVICE)
        IPCKIT_ERROR_NAME(RPC_ERR_UNTRUSTED_DEVICE)
        IPCKIT_ERROR_NAME(RPC_ERR_NO_SYSTEM_ABILITY)
        IPCKIT_ERROR_NAME(RPC_ERR_NOT_RUNNING)
        IPCKIT_ERROR_NAME(RPC_ERR_BUSY)
        IPCKIT_ERROR_NAME(RPC_ERR_CALLER_NOT_AUTHORIZED)
#undef IPCKIT_ERROR_NAME
    }
    return {};
}

std::string ExplainError(int code)
{
    std::string_view name = ErrorName(code);
    if (name.empty())
        return std::string(ErrorString(code)) + " (" + std::to_string(code) + ")";
    return std::string(name) + " (" + std::to_string(code) + "): " + ErrorString(code);
}

Result<int32_t> ParseSaId(std::string_view text)
{
    auto v = ParseInteger(text, "SA id", 0, 0x00ffffff);
    if (!v)
        return v.error();
    return static_cast<int32_t>(*v);
}

Result<uint32_t> ParseCode(std::string_view text)
{
    auto v = ParseInteger(text, "code", 1, 0x00ffffff);
    if (!v)
        return Refuse(v.error().message.find("outside") == std::string::npos
                          ? v.error().message
                          : "code '" + std::string(text) + "' is outside 1..0xffffff");
    return static_cast<uint32_t>(*v);
}

Result<double> ParseSeconds(std::string_view text, std::string_view what)
{
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(v > 0) ||
        v > 86400)
        return Refuse(std::string(what) + " '" + std::string(text) +
                      "' is not a number of seconds in (0, 86400]");
    return v;
}

Result<TypedArg> ParseTypedArg(std::string_view arg)
{
    const std::string shown = "bad argument '" + std::string(arg) + "': ";
    auto colon = arg.find(':');
    if (colon == std::string_view::npos)
        return Refuse(shown + "expected TYPE:VALUE, TYPE one of " + ArgTypeList());
    const TypeName* type = FindType(arg.substr(0, colon));
    if (!type)
        return Refuse(shown + "unknown type '" + std::string(arg.substr(0, colon)) +
                      "' (types: " + ArgTypeList() + ")");
    std::string_view value = arg.substr(colon + 1);
    TypedArg out;
    out.type = type->type;
    auto integer = [&](int64_t min, int64_t max) -> Result<TypedArg> {
        auto v = ParseInteger(value, type->name, min, max);
        if (!v)
            return Refuse(shown + v.error().message);
        out.integer = *v;
        return out;
    };
    switch (type->type) {
    case ArgType::I32:
        return integer(INT32_MIN, INT32_MAX);
    case ArgType::U32:
        return integer(0, UINT32_MAX);
    case ArgType::I64:
        return integer(INT64_MIN, INT64_MAX);
    case ArgType::Bool:
        if (value == "true" || value == "1")
            out.integer = 1;
        else if (value != "false" && value != "0")
            return Refuse(shown + "a bool is true or false");
        return out;
    case ArgType::F64: {
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out.real);
        if (value.empty() || ec != std::errc() || end != value.data() + value.size())
            return Refuse(shown + "'" + std::string(value) + "' is not a number");
        return out;
    }
    case ArgType::S16: {
        auto check = Utf8ToUtf16(value);
        if (!check)
            return Refuse(shown + check.error().message);
        out.text = value;
        return out;
    }
    case ArgType::Fd:
        if (value.empty())
            return Refuse(shown + "fd: needs the path of a file to open");
        out.text = value;
        return out;
    case ArgType::Token:
    case ArgType::Str:
        out.text = value;
        return out;
    }
    return Refuse(shown + "unknown type");
}

Result<std::vector<ArgType>> ParseReplyTypes(std::string_view list)
{
    std::vector<ArgType> types;
    while (true) {
        auto comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        const TypeName* type = FindType(name);
        if (!type || type->type == ArgType::Token)
            return Refuse("bad --reply type '" + std::string(name) +
                          "' (types: i32, i64, u32, bool, f64, str, s16, fd)");
        types.push_back(type->type);
        if (comma == std::string_view::npos)
            return types;
        list.remove_prefix(comma + 1);
    }
}

Result<std::size_t> WriteArgs(MessageParcel& data, const std::vector<TypedArg>& args)
{
    for (std::size_t i = 0; i < args.size(); i++) {
        const TypedArg& a = args[i];
        bool ok = false;
        switch (a.type) {
        case ArgType::Token: {
            auto name = Utf8ToUtf16(a.text);
            if (!name)
                return Refuse("token: " + name.error().message);
            ok = data.WriteInterfaceToken(*name);
            break;
        }
        case ArgType::I32:
            ok = data.WriteInt32(static_cast<int32_t>(a.integer));
            break;
        case ArgType::I64:
            ok = data.WriteInt64(a.integer);
            break;
        case ArgType::U32:
            ok = data.WriteUint32(static_cast<uint32_t>(a.integer));
            break;
        case ArgType::Bool:
            ok = data.WriteBool(a.integer != 0);
            break;
        case ArgType::F64:
            ok = data.WriteDouble(a.real);
            break;
        case ArgType::Str:
            ok = data.WriteString(a.text);
            break;
        case ArgType::S16: {
            auto text = Utf8ToUtf16(a.text);
            if (!text)
                return Refuse("s16: " + text.error().message);
            ok = data.WriteString16(*text);
            break;
        }
        case ArgType::Fd: {
            UniqueFd fd(::open(a.text.c_str(), O_RDONLY | O_CLOEXEC));
            if (!fd.valid())
                return Error{errno, "cannot open " + a.text + " for fd:" + a.text + ": " +
                                        std::strerror(errno)};
            ok = data.WriteFileDescriptor(fd.get());  // the parcel keeps its own dup
            break;
        }
        }
        if (!ok)
            return Error{ENOSPC, "argument " + std::to_string(i + 1) + " (" +
                                     std::string(ArgTypeName(a.type)) +
                                     ") does not fit in the parcel (at most " +
                                     std::to_string(data.GetMaxCapacity() / 1024) + " KiB)"};
    }
    return data.GetDataSize();
}

Result<std::vector<std::string>> DecodeReply(MessageParcel& reply,
                                             const std::vector<ArgType>& types)
{
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < types.size(); i++) {
        const std::size_t at = reply.GetReadPosition();
        std::string name(ArgTypeName(types[i]));
        bool ok = true;
        std::string value;
        switch (types[i]) {
        case ArgType::I32: {
            int32_t v = 0;
            ok = reply.ReadInt32(v);
            value = std::to_string(v);
            break;
        }
        case ArgType::I64: {
            int64_t v = 0;
            ok = reply.ReadInt64(v);
            value = std::to_string(v);
            break;
        }
        case ArgType::U32: {
            uint32_t v = 0;
            ok = reply.ReadUint32(v);
            value = std::to_string(v);
            break;
        }
        case ArgType::Bool: {
            bool v = false;
            ok = reply.ReadBool(v);
            value = v ? "true" : "false";
            break;
        }
        case ArgType::F64: {
            double v = 0;
            ok = reply.ReadDouble(v);
            value = FormatDouble(v);
            break;
        }
        case ArgType::Str: {
            std::string v;
            ok = reply.ReadString(v);
            value = Quote(v);
            break;
        }
        case ArgType::S16: {
            std::u16string v;
            ok = reply.ReadString16(v);
            value = Quote(Utf16ToUtf8(v));
            break;
        }
        case ArgType::Fd: {
            UniqueFd fd(reply.ReadFileDescriptor());
            ok = fd.valid();
            value = "-> " + FdTarget(fd.get());
            break;
        }
        case ArgType::Token: {
            auto before = reply.GetReadPosition();
            std::u16string v = reply.ReadInterfaceToken();
            ok = reply.GetReadPosition() != before;
            value = Quote(Utf16ToUtf8(v));
            break;
        }
        }
        if (!ok)
            return Error{EPROTO, "reply value " + std::to_string(i + 1) + " (" + name +
                                     ") is not there: the reply has " +
                                     std::to_string(reply.GetDataSize()) + " bytes, " +
                                     std::to_string(reply.GetDataSize() - at) +
                                     " left at offset " + std::to_string(at)};
        lines.push_back(name + " " + value);
    }
    return lines;
}

std::string Quote(std::string_view text)
{
    std::string out = "\"";
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof(buf), "\\x%02x", c);
                out += buf;
            } else {
                out += ch;  // UTF-8 passes through
            }
        }
    }
    return out + "\"";
}

std::string HexDump(const void* data, std::size_t size)
{
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::string out;
    for (std::size_t line = 0; line < size; line += 16) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%08zx ", line);
        out += buf;
        std::string ascii;
        for (std::size_t i = line; i < line + 16; i++) {
            if (i % 8 == 0)
                out += ' ';
            if (i < size) {
                std::snprintf(buf, sizeof(buf), "%02x ", bytes[i]);
                out += buf;
                ascii += bytes[i] >= 0x20 && bytes[i] < 0x7f ? static_cast<char>(bytes[i]) : '.';
            } else {
                out += "   ";
            }
        }
        out += " |" + ascii + "|\n";
    }
    return out;
}

}  // namespace ipckit::cli
