// SPDX-License-Identifier: Apache-2.0
//
// samgr's log: one line per event on stderr, "samgr: " first. Events
// (an SA added, removed, a process started) are silenced by -q; errors
// and denials never are.
#pragma once

namespace samgr {

void SetQuiet(bool quiet);
// printf-style; the newline is added. Each line goes out in one write, so
// lines from concurrent threads do not interleave.
void LogEvent(const char* format, ...) __attribute__((format(printf, 1, 2)));
void LogError(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace samgr
