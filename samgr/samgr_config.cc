// SPDX-License-Identifier: Apache-2.0
//
// samgr.conf parsing: one directive per line, words split on blanks.
#include "samgr_config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "ipckit/if_system_ability_manager.h"
#include "ipckit/unique_fd.h"

namespace samgr {
namespace {

std::vector<std::string> SplitWords(std::string_view line)
{
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        if (i == line.size() || line[i] == '#')
            break;  // a word starting with '#' comments out the rest
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            i++;
        words.emplace_back(line.substr(start, i - start));
    }
    return words;
}

std::string Hex(uint64_t value)
{
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, 16);
    (void)ec;
    return "0x" + std::string(buf, end);
}

// uid_t as the kernel allows it: 0..2^32-2 ((uid_t)-1 means "no uid").
ipckit::Result<uid_t> ParseUid(std::string_view word)
{
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v, 10);
    if (ec != std::errc() || end != word.data() + word.size() || v >= 0xffffffffu)
        return ipckit::Error{EINVAL, "bad uid '" + std::string(word) +
                                         "' (want a decimal number below 4294967295)"};
    return static_cast<uid_t>(v);
}

}  // namespace

ipckit::Result<int32_t> ParseSaId(std::string_view word)
{
    std::string_view digits = word;
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
    }
    bool negative = !digits.empty() && digits[0] == '-' && base == 10;
    if (negative)
        digits.remove_prefix(1);
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (digits.empty() || end != digits.data() + digits.size() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range))
        return ipckit::Error{EINVAL, "bad SA id '" + std::string(word) +
                                         "' (want a decimal or 0x-hex number)"};
    if (negative || ec == std::errc::result_out_of_range ||
        v > static_cast<uint64_t>(ipckit::LAST_SYS_ABILITY_ID))
        return ipckit::Error{ERANGE, "SA id " + std::string(word) + " is outside 0.." +
                                         Hex(ipckit::LAST_SYS_ABILITY_ID)};
    return static_cast<int32_t>(v);
}

ipckit::Result<SamgrConfig> ParseConfig(std::string_view text, const std::string& path)
{
    SamgrConfig config;
    config.path = path;
    std::map<int32_t, int> ondemandLine;  // where each id was configured
    int lineNo = 0;
    while (!text.empty()) {
        lineNo++;
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);

        auto fail = [&](const std::string& what) {
            return ipckit::Error{EINVAL, path + ":" + std::to_string(lineNo) + ": " + what};
        };
        std::vector<std::string> words = SplitWords(line);
        if (words.empty())
            continue;
        const std::string& directive = words[0];
        if (directive == "register-uids") {
            if (words.size() < 2)
                return fail("register-uids needs at least one uid");
            if (!config.registerUids)
                config.registerUids.emplace();
            for (std::size_t i = 1; i < words.size(); i++) {
                auto uid = ParseUid(words[i]);
                if (!uid)
                    return fail(uid.error().message);
                config.registerUids->push_back(*uid);
            }
        } else if (directive == "ondemand") {
            if (words.size() < 2)
                return fail("ondemand needs an SA id and a command");
            auto id = ParseSaId(words[1]);
            if (!id)
                return fail(id.error().message);
            if (words.size() < 3)
                return fail("ondemand " + words[1] + ": missing command");
            if (words[2][0] != '/')
                return fail("ondemand " + words[1] + ": command '" + words[2] +
                            "' is not an absolute path (there is no PATH search)");
            if (auto it = ondemandLine.find(*id); it != ondemandLine.end())
                return fail("SA " + std::to_string(*id) + " already has a command (line " +
                            std::to_string(it->second) + ")");
            ondemandLine[*id] = lineNo;
            config.ondemand[*id].assign(words.begin() + 2, words.end());
        } else if (directive == "distributed") {
            // Several lines (and repeated ids) add up, like register-uids.
            if (words.size() < 2)
                return fail("distributed needs at least one SA id");
            for (std::size_t i = 1; i < words.size(); i++) {
                auto id = ParseSaId(words[i]);
                if (!id)
                    return fail(id.error().message);
                config.distributed.insert(*id);
            }
        } else {
            return fail("unknown directive '" + directive +
                        "' (want register-uids, ondemand or distributed)");
        }
    }
    return config;
}

ipckit::Result<SamgrConfig> LoadConfig(const std::string& path, bool missingIsEmpty)
{
    ipckit::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    int err = fd.valid() ? 0 : errno;
    if (err == ENOENT && missingIsEmpty) {
        SamgrConfig empty;
        empty.path = path;
        return empty;
    }
    std::string text;
    while (!err) {
        char buf[4096];
        ssize_t n = ::read(fd.get(), buf, sizeof(buf));
        if (n == 0)
            break;
        if (n > 0)
            text.append(buf, static_cast<std::size_t>(n));
        else if (errno != EINTR)
            err = errno;
    }
    if (err)
        return ipckit::Error{err, path + ": cannot read: " + std::strerror(err)};
    return ParseConfig(text, path);
}

}  // namespace samgr
