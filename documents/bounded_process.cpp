#include "bounded_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace gleaner {
namespace {

constexpr size_t kMaxErrBytes = 64 * 1024;

struct Pipe {
    int fd[2] = {-1, -1};
    bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
    void close_end(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
    ~Pipe() {
        close_end(0);
        close_end(1);
    }
};

}  // namespace

std::string find_program(const std::string& name, const std::string& path_env) {
    if (name.empty() || name.find('/') != std::string::npos) return {};
    size_t start = 0;
    while (start <= path_env.size()) {
        size_t end = path_env.find(':', start);
        if (end == std::string::npos) end = path_env.size();
        const std::string dir = path_env.substr(start, end - start);
        start = end + 1;
        if (dir.empty() || dir[0] != '/') continue;  // relative PATH entries would depend on the working directory
        const std::string candidate = dir + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

ProcessResult run_bounded(const std::vector<std::string>& argv, const ProcessLimits& limits) {
    ProcessResult r;
    if (argv.empty()) {
        r.start_error = "no program";
        return r;
    }
    Pipe out, err;
    if (!out.open() || !err.open()) {
        r.start_error = std::strerror(errno);
        return r;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: a timeout kills its children too
    posix_spawnattr_setpgroup(&attr, 0);

    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; e && *e; ++e) env_storage.emplace_back(*e);
    for (const std::string& e : limits.extra_env) env_storage.push_back(e);
    std::vector<char*> env;
    for (std::string& e : env_storage) env.push_back(e.data());
    env.push_back(nullptr);

    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    out.close_end(1);
    err.close_end(1);
    if (rc != 0) {
        r.start_error = std::strerror(rc);
        return r;
    }

    const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
    bool out_open = true, err_open = true;
    r.outcome = ProcessResult::Outcome::Exited;
    char buf[65536];
    while (out_open || err_open) {
        if (limits.cancel && limits.cancel->load()) {
            r.outcome = ProcessResult::Outcome::Cancelled;
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            r.outcome = ProcessResult::Outcome::TimedOut;
            break;
        }
        pollfd fds[2] = {{out_open ? out.fd[0] : -1, POLLIN, 0}, {err_open ? err.fd[0] : -1, POLLIN, 0}};
        const int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 100)));
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
            if (got <= 0) {
                (i == 0 ? out_open : err_open) = false;
                continue;
            }
            if (i == 0) r.out.append(buf, static_cast<size_t>(got));
            else if (r.err.size() < kMaxErrBytes) r.err.append(buf, std::min<size_t>(static_cast<size_t>(got), kMaxErrBytes - r.err.size()));
        }
        if (r.out.size() > limits.max_output_bytes) {
            r.outcome = ProcessResult::Outcome::OutputTooLarge;
            break;
        }
    }
    if (r.outcome != ProcessResult::Outcome::Exited) ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (r.outcome == ProcessResult::Outcome::Exited) {
        if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
        else r.outcome = ProcessResult::Outcome::Signalled;
    }
    return r;
}

}  // namespace gleaner
