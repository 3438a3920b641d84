// SPDX-License-Identifier: Apache-2.0
#include "daemon/log.h"

#include <cstdarg>

#include "daemon_support.h"

namespace ipckit::softbus {

void Log(const char* format, ...)
{
    va_list args;
    va_start(args, format);
    detail::VLogLine("softbusd", format, args);
    va_end(args);
}

}  // namespace ipckit::softbus
