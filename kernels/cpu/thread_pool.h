#pragma once
// A persistent pool of worker threads. The calling thread takes part in every job, so a pool of
// n threads starts n-1 workers. Jobs are split by (thread index, thread count), as ggml does:
// every op divides its own work, and run() returns when all threads have finished it.
//
// A decode step is ~500 small jobs, so hand-off must cost well under a microsecond: workers
// spin on an atomic job counter for a while after each job and only then sleep on a condition
// variable; completion is an atomic countdown the caller spins on.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gleaner {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return n_threads_; }

    // Calls fn(thread_index, n_threads) once on every thread and waits for all of them.
    void run(const std::function<void(int, int)>& fn);

    // Splits [0, n) into chunks taken dynamically (atomic counter) and calls fn(begin, end).
    // Runs inline on the caller when there is a single chunk.
    void parallel_for(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t)>& fn);

    // Threads the hardware offers, capped by GLEANER_THREADS when set.
    static int default_threads();

private:
    void worker_loop(int index);

    int n_threads_;
    std::vector<std::thread> workers_;
    const std::function<void(int, int)>* job_ = nullptr;
    std::atomic<uint64_t> generation_{0};  // bumped for every job (and for shutdown)
    std::atomic<int> pending_{0};          // workers still running the current job
    std::atomic<bool> stop_{false};
    std::atomic<int> sleepers_{0};
    std::mutex mutex_;                     // only for sleeping workers
    std::condition_variable wake_;
};

}  // namespace gleaner
