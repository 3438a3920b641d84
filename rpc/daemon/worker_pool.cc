// SPDX-License-Identifier: Apache-2.0
#include "daemon/worker_pool.h"

namespace ipckit::rpc {

WorkerPool::WorkerPool(std::size_t threads, std::size_t maxQueued) : maxQueued_(maxQueued)
{
    for (std::size_t i = 0; i < threads; i++)
        threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool()
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        stopping_ = true;
    }
    cond_.notify_all();
    for (auto& t : threads_)
        t.join();
}

bool WorkerPool::Submit(std::function<void()> job)
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (stopping_ || jobs_.size() >= maxQueued_)
            return false;
        jobs_.push_back(std::move(job));
    }
    cond_.notify_one();
    return true;
}

std::size_t WorkerPool::Queued()
{
    std::lock_guard<std::mutex> guard(lock_);
    return jobs_.size();
}

void WorkerPool::Run()
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> guard(lock_);
            cond_.wait(guard, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty())
                return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

}  // namespace ipckit::rpc
