#include "cpu/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace gleaner {

namespace {
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
// How long an idle worker spins before sleeping: long enough to bridge the gap between the ops
// of one forward pass, short enough not to burn a core between user actions.
constexpr auto kSpinBeforeSleep = std::chrono::microseconds(2000);
}  // namespace

ThreadPool::ThreadPool(int n_threads) : n_threads_(std::max(1, n_threads)) {
    for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_.store(true);
        generation_.fetch_add(1, std::memory_order_release);
    }
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
    job_ = &fn;
    pending_.store(n_threads_ - 1, std::memory_order_relaxed);
    // Publish the job, then wake sleepers. Both sides use sequentially consistent operations
    // (bump-then-check here, register-then-check in worker_loop), so a worker that is about to
    // sleep either sees the new job or is seen as a sleeper and notified under the mutex.
    generation_.fetch_add(1, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
        std::lock_guard<std::mutex> lock(mutex_);
        wake_.notify_all();
    }
    fn(0, n_threads_);
    // Spin briefly, then yield: on a busy machine the worker we wait for may need our core.
    for (int spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins) {
        if (spins < 4096) cpu_relax();
        else std::this_thread::yield();
    }
}

void ThreadPool::worker_loop(int index) {
    uint64_t seen = 0;
    for (;;) {
        // Spin for the next job, then sleep.
        const auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
        int spins = 0;
        while (generation_.load(std::memory_order_acquire) == seen) {
            if (++spins < 4096) cpu_relax();
            else std::this_thread::yield();  // let a preempted thread of this job run
            if (spins % 1024 == 0 && std::chrono::steady_clock::now() > spin_until) {
                std::unique_lock<std::mutex> lock(mutex_);
                sleepers_.fetch_add(1, std::memory_order_seq_cst);
                wake_.wait(lock, [&] { return generation_.load(std::memory_order_seq_cst) != seen; });
                sleepers_.fetch_sub(1, std::memory_order_acq_rel);
                break;
            }
        }
        seen = generation_.load(std::memory_order_acquire);
        if (stop_.load(std::memory_order_acquire)) return;
        (*job_)(index, n_threads_);
        pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

void ThreadPool::parallel_for(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    chunk = std::max<int64_t>(1, chunk);
    if (n <= chunk || n_threads_ == 1) {
        fn(0, n);
        return;
    }
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
