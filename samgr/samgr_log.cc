// SPDX-License-Identifier: Apache-2.0
//
// samgr's stderr log.
#include "samgr_log.h"

#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <string>

namespace samgr {
namespace {

std::atomic<bool> g_quiet{false};

void Write(const char* format, va_list args)
{
    char body[1024];
    std::vsnprintf(body, sizeof(body), format, args);
    std::string line = std::string("samgr: ") + body + "\n";
    // One write(2): no stdio buffer shared between threads, no interleaving.
    ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    (void)n;  // nowhere to report a failing stderr
}

}  // namespace

void SetQuiet(bool quiet)
{
    g_quiet = quiet;
}

void LogEvent(const char* format, ...)
{
    if (g_quiet)
        return;
    va_list args;
    va_start(args, format);
    Write(format, args);
    va_end(args);
}

void LogError(const char* format, ...)
{
    va_list args;
    va_start(args, format);
    Write(format, args);
    va_end(args);
}

}  // namespace samgr
