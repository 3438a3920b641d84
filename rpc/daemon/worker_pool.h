// SPDX-License-Identifier: Apache-2.0
//
// A fixed pool of threads running queued jobs, with a bounded queue: rpcd
// serves a peer's sync calls on it so one slow stub does not hold up the
// soft bus client's thread (and with it every other peer).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ipckit::rpc {

class WorkerPool {
public:
    WorkerPool(std::size_t threads, std::size_t maxQueued);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // False when the queue is full (the job is not run).
    bool Submit(std::function<void()> job);
    std::size_t Queued();

private:
    void Run();

    const std::size_t maxQueued_;
    std::mutex lock_;
    std::condition_variable cond_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ipckit::rpc
