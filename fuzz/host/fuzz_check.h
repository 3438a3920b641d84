// SPDX-License-Identifier: Apache-2.0
//
// CHECK(cond, fmt, ...): an invariant of a fuzz target. When it does not
// hold, the target prints where and why, then aborts, so libFuzzer saves
// the input as a crash (a plain "return" would only look like a dull input).
#pragma once

#include <cstdio>
#include <cstdlib>

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        if (!(cond)) {                                                            \
            std::fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, \
                         #cond);                                                  \
            std::fprintf(stderr, __VA_ARGS__);                                    \
            std::fputc('\n', stderr);                                             \
            std::abort();                                                         \
        }                                                                         \
    } while (0)
