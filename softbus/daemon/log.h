// SPDX-License-Identifier: Apache-2.0
//
// softbusd's log: one line per event on stderr, "softbusd: ...".
#pragma once

namespace ipckit::softbus {

[[gnu::format(printf, 1, 2)]] void Log(const char* format, ...);

}  // namespace ipckit::softbus
