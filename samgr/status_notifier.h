// SPDX-License-Identifier: Apache-2.0
//
// StatusNotifier: tells subscribers that an SA was added or removed. The
// registry posts under its lock, in the order the changes happened; one
// thread of this class makes the one-way calls, in that same order, with no
// registry lock held (they are remote calls).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "ipckit/isystem_ability_status_change.h"
#include "ipckit/refbase.h"

namespace samgr {

class StatusNotifier {
public:
    StatusNotifier();
    ~StatusNotifier();  // delivers what is queued, then stops
    StatusNotifier(const StatusNotifier&) = delete;
    StatusNotifier& operator=(const StatusNotifier&) = delete;

    void Post(const ipckit::sptr<ipckit::ISystemAbilityStatusChange>& listener, int32_t id,
              bool added);

private:
    struct Notice {
        ipckit::sptr<ipckit::ISystemAbilityStatusChange> listener;
        int32_t id;
        bool added;
    };
    void Run();

    std::mutex lock_;  // guards queue_ and stop_
    std::condition_variable posted_;
    std::deque<Notice> queue_;
    bool stop_ = false;
    std::thread thread_;  // last: starts once the members above exist
};

}  // namespace samgr
