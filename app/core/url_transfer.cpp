#include "url_transfer.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>

#include "disk_space.h"
#include "download_errors.h"
#include "gleaner_version.h"

namespace gleaner {

namespace {

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyHandle {
    CURL* h = curl_easy_init();
    ~EasyHandle() { curl_easy_cleanup(h); }
};

std::string host_of(const std::string& url) {
    const size_t start = url.find("://");
    if (start == std::string::npos) return url;
    if (url.compare(0, start, "file") == 0) return "this computer";
    const size_t from = start + 3, end = url.find_first_of("/?#", from);
    return url.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

// What the callbacks share with the caller.
struct Transfer {
    const std::atomic<bool>* cancel = nullptr;
    bool cancelled = false;
    // Into a file:
    int fd = -1;
    uint64_t file_size = 0;
    int write_errno = 0;
    const std::function<void(uint64_t)>* on_bytes = nullptr;
    uint64_t received = 0;
    // Into memory:
    std::string* text = nullptr;
    size_t max_text = 0;
    bool too_large = false;

    bool should_stop() {
        if (cancel && cancel->load()) cancelled = true;
        return cancelled;
    }
};

size_t write_to_file(char* data, size_t, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    if (t->should_stop()) return 0;  // curl ends the transfer with CURLE_WRITE_ERROR
    size_t written = 0;
    while (written < n) {
        const ssize_t w = ::pwrite(t->fd, data + written, n - written, static_cast<off_t>(t->file_size + written));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            t->write_errno = w < 0 ? errno : ENOSPC;
            return 0;
        }
        written += static_cast<size_t>(w);
    }
    t->file_size += n;
    t->received += n;
    if (t->on_bytes && *t->on_bytes) (*t->on_bytes)(t->file_size);
    return n;
}

size_t write_to_text(char* data, size_t, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    if (t->should_stop()) return 0;
    if (t->text->size() + n > t->max_text) {
        t->too_large = true;
        return 0;
    }
    t->text->append(data, n);
    return n;
}

// Called about once a second even while no bytes arrive: a Cancel during a stalled connection
// still returns promptly.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Transfer*>(user)->should_stop() ? 1 : 0;
}

void configure(CURL* h, const std::string& url, Transfer& t, char* error_buffer) {
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    // The URLs come from the package index or a folder the user chose: only these schemes, and a
    // redirect may never point at a local file.
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);  // HTTP 4xx/5xx is an error, not a body to save
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    // A connection that delivers nothing for a minute has stalled: fail, so that a retry resumes.
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "Gleaner/" GLEANER_VERSION " (model download)");
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
}

[[noreturn]] void throw_transfer_error(CURLcode rc, CURL* h, const std::string& url, const char* error_buffer) {
    const std::string host = host_of(url);
    const std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
            throw DownloadError("no network: could not reach " + host + " (" + detail + "); try again when online");
        case CURLE_OPERATION_TIMEDOUT:
            throw DownloadError("the connection to " + host + " stalled (" + detail + "); try again to resume");
        case CURLE_HTTP_RETURNED_ERROR:
            throw DownloadError("HTTP " + std::to_string(status) + " from " + host + " for " + url);
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CACERT_BADFILE:
            throw DownloadError("the secure connection to " + host + " failed: " + detail);
        case CURLE_FILE_COULDNT_READ_FILE:
            throw DownloadError("cannot read " + url + " (" + detail + ")");
        case CURLE_UNSUPPORTED_PROTOCOL:
            throw DownloadError("cannot download " + url + ": only https, http and file URLs are allowed");
        default:
            throw DownloadError("the download from " + host + " failed: " + detail);
    }
}

// Whether the failure means "cannot continue from this offset": start the file again.
bool cannot_resume(CURLcode rc, CURL* h) {
    if (rc == CURLE_RANGE_ERROR || rc == CURLE_BAD_DOWNLOAD_RESUME) return true;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return rc == CURLE_HTTP_RETURNED_ERROR && status == 416;  // Range Not Satisfiable
}

struct FileDescriptor {
    int fd;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string fetch_text(const std::string& url, const std::string& accept, size_t max_bytes,
                       const std::atomic<bool>* cancel) {
    init_curl_once();
    EasyHandle e;
    if (!e.h) throw DownloadError("cannot start a download (libcurl failed to initialise)");
    std::string body;
    Transfer t;
    t.cancel = cancel;
    t.text = &body;
    t.max_text = max_bytes;
    char error_buffer[CURL_ERROR_SIZE] = {};
    configure(e.h, url, t, error_buffer);
    curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, write_to_text);
    curl_easy_setopt(e.h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e.h, CURLOPT_ACCEPT_ENCODING, "");  // gzip where the server offers it
    struct curl_slist* headers = nullptr;
    if (!accept.empty()) headers = curl_slist_append(headers, ("Accept: " + accept).c_str());
    curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, headers);
    const CURLcode rc = curl_easy_perform(e.h);
    curl_slist_free_all(headers);
    if (t.cancelled) throw DownloadCancelled();
    if (t.too_large)
        throw DownloadError("the answer from " + host_of(url) + " is larger than " + std::to_string(max_bytes) + " bytes");
    if (rc != CURLE_OK) throw_transfer_error(rc, e.h, url, error_buffer);
    return body;
}

uint64_t fetch_to_file(const std::string& url, const std::string& path, uint64_t offset,
                       const std::function<void(uint64_t)>& on_bytes, const std::atomic<bool>* cancel) {
    init_curl_once();
    FileDescriptor file{::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644)};
    if (file.fd < 0) throw DownloadError("cannot write " + path + ": " + std::strerror(errno));
    uint64_t received = 0;
    for (int attempt = 0;; ++attempt) {
        // Whatever an earlier transfer left past `offset` (a write cut short) is dropped.
        if (::ftruncate(file.fd, static_cast<off_t>(offset)) != 0)
            throw DownloadError("cannot write " + path + ": " + std::strerror(errno));
        EasyHandle e;
        if (!e.h) throw DownloadError("cannot start a download (libcurl failed to initialise)");
        Transfer t;
        t.cancel = cancel;
        t.fd = file.fd;
        t.file_size = offset;
        t.on_bytes = &on_bytes;
        char error_buffer[CURL_ERROR_SIZE] = {};
        configure(e.h, url, t, error_buffer);
        curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, write_to_file);
        curl_easy_setopt(e.h, CURLOPT_WRITEDATA, &t);
        if (offset > 0) curl_easy_setopt(e.h, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(offset));
        const CURLcode rc = curl_easy_perform(e.h);
        received += t.received;
        if (t.cancelled) throw DownloadCancelled();
        if (t.write_errno != 0) {
            if (is_out_of_space(t.write_errno)) {
                curl_off_t length = -1;
                curl_easy_getinfo(e.h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
                const uint64_t left = length > 0 ? static_cast<uint64_t>(length) - std::min<uint64_t>(t.received, length) : 0;
                throw out_of_space_error(path, left, t.write_errno);
            }
            throw DownloadError("cannot write " + path + ": " + std::strerror(t.write_errno));
        }
        if (rc == CURLE_OK) return received;
        if (offset > 0 && attempt == 0 && cannot_resume(rc, e.h)) {
            offset = 0;  // the server cannot continue this file: fetch it whole
            continue;
        }
        throw_transfer_error(rc, e.h, url, error_buffer);
    }
}

std::string file_url(const std::string& path) {
    const std::string abs = std::filesystem::absolute(path).lexically_normal().string();
    std::string url = "file://";
    static const char* hex = "0123456789ABCDEF";
    for (const unsigned char c : abs) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') url += static_cast<char>(c);
        else url += '%', url += hex[c >> 4], url += hex[c & 15];
    }
    return url;
}

}  // namespace gleaner
