// SPDX-License-Identifier: Apache-2.0
//
// What the device's daemons (softbusd, rpcd) share: their log line and
// their option numbers. Internal to ipckit.
#pragma once

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace ipckit::detail {

// One line on stderr, "<daemon>: <message>", written at once so lines of
// several threads do not interleave.
inline void VLogLine(const char* daemon, const char* format, va_list args)
{
    char line[1024];
    std::vsnprintf(line, sizeof(line), format, args);
    std::fprintf(stderr, "%s: %s\n", daemon, line);
}

// A decimal option value in [lo, hi]; false for anything else.
inline bool ParseNumber(const char* text, long long lo, long long hi, long long& out)
{
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi)
        return false;
    out = v;
    return true;
}

}  // namespace ipckit::detail
