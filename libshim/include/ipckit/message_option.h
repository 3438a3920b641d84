// SPDX-License-Identifier: Apache-2.0
//
// MessageOption: how a request travels (synchronous or one-way, whether the
// reply may carry file descriptors) and how long a caller would wait.
#pragma once

namespace ipckit {

class MessageOption {
public:
    enum {
        TF_SYNC = 0x00,
        TF_ASYNC = 0x01,
        TF_ACCEPT_FDS = 0x10,
    };
    static constexpr int TF_WAIT_TIME = 8;   // seconds, IPC Kit's default
    static constexpr int TF_MAX_WAIT_TIME = 3000;

    explicit MessageOption(int flags = TF_SYNC, int waitTime = TF_WAIT_TIME)
        : flags_(flags)
    {
        SetWaitTime(waitTime);
    }

    int GetFlags() const { return flags_; }
    void SetFlags(int flags) { flags_ = flags; }
    bool IsAsync() const { return flags_ & TF_ASYNC; }
    int GetWaitTime() const { return waitTime_; }
    // Clamped to [1, TF_MAX_WAIT_TIME]; the local driver path does not
    // time out (a binder call waits for its reply), as IPC Kit.
    void SetWaitTime(int seconds)
    {
        waitTime_ = seconds <= 0 ? TF_WAIT_TIME
                  : seconds > TF_MAX_WAIT_TIME ? TF_MAX_WAIT_TIME : seconds;
    }

private:
    int flags_;
    int waitTime_ = TF_WAIT_TIME;
};

}  // namespace ipckit
