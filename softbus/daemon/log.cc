// SPDX-License-Identifier: Apache-2.0
#include "daemon/log.h"

#include <cstdarg>
#include <cstdio>

namespace ipckit::softbus {

void Log(const char* format, ...)
{
    char line[1024];
    va_list args;
    va_start(args, format);
    std::vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    std::fprintf(stderr, "softbusd: %s\n", line);
}

}  // namespace ipckit::softbus
