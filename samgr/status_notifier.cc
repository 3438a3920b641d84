// SPDX-License-Identifier: Apache-2.0
//
// The thread that calls subscribers' OnAddSystemAbility/OnRemoveSystemAbility.
#include "status_notifier.h"

#include <utility>

namespace samgr {

StatusNotifier::StatusNotifier() : thread_([this] { Run(); }) {}

StatusNotifier::~StatusNotifier()
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        stop_ = true;
    }
    posted_.notify_all();
    thread_.join();
}

void StatusNotifier::Post(const ipckit::sptr<ipckit::ISystemAbilityStatusChange>& listener,
                          int32_t id, bool added)
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        queue_.push_back(Notice{listener, id, added});
    }
    posted_.notify_one();
}

void StatusNotifier::Run()
{
    for (;;) {
        Notice notice{};
        {
            std::unique_lock<std::mutex> guard(lock_);
            posted_.wait(guard, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty())
                return;  // stopping, and everything was delivered
            notice = std::move(queue_.front());
            queue_.pop_front();
        }
        // One-way: returns once the driver queued it. A listener that died
        // meanwhile fails here; its death recipient drops it.
        if (notice.added)
            notice.listener->OnAddSystemAbility(notice.id, "");
        else
            notice.listener->OnRemoveSystemAbility(notice.id, "");
    }
}

}  // namespace samgr
