#pragma once
// A prefill that is asked to stop at its first progress report: what a user's Stop during a
// long prefill looks like. Counts the reports, so a test can tell where the method stopped.
#include <atomic>

#include "context_method.h"

namespace gleaner::test {

struct CancelOnFirstReport {
    std::atomic<bool> cancel{false};
    int reports = 0;
    PrefillProgress progress;

    CancelOnFirstReport() {
        progress.cancel = &cancel;
        progress.on_progress = [this](int64_t, int64_t) {
            ++reports;
            cancel = true;
        };
    }
    CancelOnFirstReport(const CancelOnFirstReport&) = delete;
    CancelOnFirstReport& operator=(const CancelOnFirstReport&) = delete;

    // Runs the method's prefill; true when it stopped with CancelledError.
    bool cancels(ContextMethod& method, const QaPrompt& prompt, int max_new_tokens) {
        try {
            method.prefill(prompt, max_new_tokens, progress);
        } catch (const CancelledError&) {
            return true;
        }
        return false;
    }
};

}  // namespace gleaner::test
