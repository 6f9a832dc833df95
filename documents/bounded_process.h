#pragma once
// Running a helper program (tesseract) safely: found on PATH, started with an argument vector
// (no shell, so no quoting or injection), its stdout collected up to a cap, killed when it runs
// past a time limit or when the caller cancels. stdin is /dev/null; stderr is kept (bounded) for
// the error message.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace gleaner {

// The program's full path from PATH (`path_env`, like $PATH), or empty when none is executable.
std::string find_program(const std::string& name, const std::string& path_env);

struct ProcessLimits {
    std::chrono::milliseconds timeout{std::chrono::seconds(120)};
    size_t max_output_bytes = size_t{16} << 20;
    const std::atomic<bool>* cancel = nullptr;  // polled; true kills the program
    std::vector<std::string> extra_env;         // "NAME=value", added to this process's environment
};

struct ProcessResult {
    enum class Outcome { Exited, Signalled, TimedOut, OutputTooLarge, Cancelled, StartFailed } outcome = Outcome::StartFailed;
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr, at most 64 KiB
    std::string start_error;
    bool ok() const { return outcome == Outcome::Exited && exit_code == 0; }
};

// argv[0] is the program's path.
ProcessResult run_bounded(const std::vector<std::string>& argv, const ProcessLimits& limits);

}  // namespace gleaner
