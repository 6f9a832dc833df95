#include "cpu/thread_pool.h"

#include <algorithm>
#include <cstdlib>

namespace gleaner {

ThreadPool::ThreadPool(int n_threads) : n_threads_(std::max(1, n_threads)) {
    for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        ++generation_;
    }
    spin_generation_.fetch_add(1, std::memory_order_release);
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
}

int ThreadPool::default_threads() {
    int n = static_cast<int>(std::thread::hardware_concurrency());
    if (const char* e = std::getenv("GLEANER_THREADS"); e && std::atoi(e) > 0) n = std::atoi(e);
    return std::max(1, n);
}

void ThreadPool::run(const std::function<void(int, int)>& fn) {
    if (n_threads_ == 1) {
        fn(0, 1);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = &fn;
        pending_ = n_threads_ - 1;
        ++generation_;
    }
    spin_generation_.fetch_add(1, std::memory_order_release);
    wake_.notify_all();
    fn(0, n_threads_);
    // Ops are short (tens of microseconds in decode), so spin briefly before sleeping.
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
}

void ThreadPool::worker_loop(int index) {
    uint64_t seen = 0;
    for (;;) {
        // Spin for a short while: the next op usually follows within microseconds.
        for (int spin = 0; spin < 20000 && spin_generation_.load(std::memory_order_acquire) == seen; ++spin) {
#if defined(__x86_64__)
            __builtin_ia32_pause();
#endif
        }
        const std::function<void(int, int)>* job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return generation_ != seen; });
            seen = generation_;
            if (stop_) return;
            job = job_;
        }
        (*job)(index, n_threads_);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (--pending_ == 0) done_cv_.notify_one();
        }
    }
}

void ThreadPool::parallel_for(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    chunk = std::max<int64_t>(1, chunk);
    std::atomic<int64_t> next{0};
    run([&](int, int) {
        for (;;) {
            const int64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
            if (begin >= n) break;
            fn(begin, std::min(n, begin + chunk));
        }
    });
}

}  // namespace gleaner
