// SPDX-License-Identifier: Apache-2.0
//
// What the userspace VM tests (shim_test, samgr_test) share: one TAP line
// per case, the closing count and exit status, and CHECK, which ends a
// case (a function filling `std::string& why`) with the failed condition
// as its reason.
#pragma once

#include <cstdio>
#include <string>

namespace vmtest {

class Tap {
public:
    // `prefix` goes before every case name ("samgr." gives samgr.NAME).
    explicit Tap(std::string prefix) : prefix_(std::move(prefix)) {}

    void Report(bool ok, const std::string& name, const std::string& why)
    {
        run_++;
        if (!ok)
            failed_++;
        std::printf("%sok %d %s%s%s%s\n", ok ? "" : "not ", run_, prefix_.c_str(), name.c_str(),
                    ok ? "" : " # ", ok ? "" : why.c_str());
        std::fflush(stdout);
    }

    // The summary comment; the process's exit status.
    int Finish() const
    {
        std::printf("# %d passed, %d failed\n", run_ - failed_, failed_);
        return failed_ ? 1 : 0;
    }

private:
    std::string prefix_;
    int run_ = 0;
    int failed_ = 0;
};

}  // namespace vmtest

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            why = std::string(#cond) + " (line " + std::to_string(__LINE__) + ")";     \
            return false;                                                              \
        }                                                                              \
    } while (0)
